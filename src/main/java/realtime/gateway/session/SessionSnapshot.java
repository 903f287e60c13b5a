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

    /** The upstream connection's history: reconnects, time without one, audio sent again, audio kept for it. */
    @Wire
    @RegisterForReflection
    public record Upstream(long reconnects, long downtimeMs, long audioMsResent, long audioMsRetained) {
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
