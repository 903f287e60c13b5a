package realtime.gateway.auth;

import java.time.Duration;

import realtime.gateway.config.GatewayConfig;

/** The limits of one key; each is named in configuration and in the 429 that enforces it. */
public record Quota(int maxSessions, Duration maxSessionDuration, long audioSecondsPerDay, int createsPerMinute) {

    static Quota of(GatewayConfig.Quota q) {
        return new Quota(q.maxSessions(), q.maxSessionDuration(), q.audioSecondsPerDay(), q.createsPerMinute());
    }
}
