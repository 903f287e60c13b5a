package realtime.gateway.session;

/**
 * The upstream's age limit for one connection ({@code maxAgeMs}, 0: none) and how long before it a session
 * opens the next connection ({@code beforeMs}); the move is forced when half of that is left.
 */
record Rotation(long maxAgeMs, long beforeMs) {

    boolean enabled() {
        return maxAgeMs > 0 && beforeMs > 0 && beforeMs < maxAgeMs;
    }

    /** When a connection opened at {@code openedAt} gets its standby. */
    long standbyAt(long openedAt) {
        return openedAt + maxAgeMs - beforeMs;
    }

    /** When the move to the standby is forced, turn boundary or not. */
    long forceAt(long openedAt) {
        return openedAt + maxAgeMs - beforeMs / 2;
    }
}
