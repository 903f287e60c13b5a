package realtime.gateway.session;

import java.time.Duration;

/**
 * Who a session belongs to and what it may use: the owning key's name, its concurrent-session and
 * duration limits, and the account that is charged for the session's audio and upstream usage.
 */
public record SessionOwner(String name, int maxSessions, Duration maxDuration, UsageSink usage) {
}
