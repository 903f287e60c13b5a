package realtime.gateway.event;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Events about the connection rather than the conversation: errors and rate limits. */
public sealed interface SystemEvent extends ServerEvent {

    /** {@code error}: most are non-fatal; fatal ones are followed by a close frame. */
    @Wire
    @RegisterForReflection
    record Error(String type, String eventId, Details.ErrorDetail error) implements SystemEvent {
        public static final String TYPE = "error";
    }

    /** {@code rate_limits.updated}. */
    @Wire
    @RegisterForReflection
    record RateLimitsUpdated(String type, String eventId, List<Details.RateLimit> rateLimits) implements SystemEvent {
        public static final String TYPE = "rate_limits.updated";
    }
}
