package realtime.gateway.session;

import java.util.function.DoubleSupplier;

/**
 * The reconnect policy of one session: jittered exponential backoff from {@code initialMs} up to
 * {@code maxMs}, giving up {@code giveUpMs} after the drop; and the session's reconnect counters.
 *
 * @param maxBufferedMs audio held while reconnecting before more is refused
 */
public record Reconnects(long initialMs, long maxMs, long giveUpMs, long maxBufferedMs) {

    /** Never reconnect (tests of the plain lifecycle). */
    public static final Reconnects NEVER = new Reconnects(0, 0, 0, 0);

    /** The delay before attempt {@code attempt} (from 1): initial × 2^(attempt−1), capped, ±50% jitter. */
    long delay(int attempt, DoubleSupplier random) {
        double base = Math.min(maxMs, initialMs * Math.pow(2, Math.min(30, attempt - 1)));
        return Math.max(1, Math.round(base * (0.5 + random.getAsDouble())));
    }

    boolean enabled() {
        return giveUpMs > 0;
    }

    /** A connect failure in words for callers: no addresses (they are the operator's business, and logged). */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused (nothing accepts connections at the upstream's address)";
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
