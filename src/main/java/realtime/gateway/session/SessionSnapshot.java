package realtime.gateway.session;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Session;
import realtime.gateway.event.Wire;

/** A session as {@code GET /v1/sessions} shows it: state, configuration and counters. */
@Wire
@RegisterForReflection
public record SessionSnapshot(
        String id,
        String object,
        String state,
        String reason,
        Integer closeCode,
        String provider,
        long createdAt,
        Long closedAt,
        Session config,
        Counters counters,
        String owner,
        SessionUsage usage,
        Upstream upstream) {

    /**
     * The upstream connection: the upstream's own id for the session on it (from its {@code session.created};
     * quote it to the provider's support), reconnects, time without a connection, audio sent again, audio
     * kept for a reconnect, moves to a fresh connection before the upstream's age limit.
     */
    @Wire
    @RegisterForReflection
    public record Upstream(String sessionId, long reconnects, long downtimeMs, long audioMsResent,
            long audioMsRetained, long rotations) {
    }

    /** Traffic counters. */
    @Wire
    @RegisterForReflection
    public record Counters(
            long audioBytesSent,
            long audioMsSent,
            long eventsReceived,
            Map<String, Long> eventsByType,
            int subscribersNow,
            long subscribersTotal,
            int producersNow) {
    }
}
