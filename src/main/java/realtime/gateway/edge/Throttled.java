package realtime.gateway.edge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * WARN lines that cannot flood the log: per cause, the first line in a minute is written, the rest are counted,
 * and the next line written says how many were left out. An upstream outage that fails 500 sessions at once
 * writes one line, not 500; each session's own state still says what happened to it.
 */
public final class Throttled {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private static final ConcurrentHashMap<String, Window> WINDOWS = new ConcurrentHashMap<>();

    private Throttled() {
    }

    /** One cause's current window: when it opened and how many lines it has left out. */
    private static final class Window {
        final long openedAt;
        final AtomicLong suppressed = new AtomicLong();

        Window(long openedAt) {
            this.openedAt = openedAt;
        }
    }

    /**
     * Writes {@code message} at WARN unless a line of the same {@code cause} was written less than a minute ago.
     * {@code cause} names the kind of event (not the session), e.g. {@code "upstream lost: connection refused"}.
     */
    public static void warn(Logger log, String cause, String message) {
        long now = System.nanoTime();
        String key = log.getName() + '\u0000' + cause;
        Window current = WINDOWS.get(key);
        if (current != null && now - current.openedAt < WINDOW_NANOS) {
            current.suppressed.incrementAndGet();
            return;
        }
        Window next = new Window(now);
        boolean mine = current == null ? WINDOWS.putIfAbsent(key, next) == null : WINDOWS.replace(key, current, next);
        if (!mine) {
            Window winner = WINDOWS.get(key);
            if (winner != null) {
                winner.suppressed.incrementAndGet();
            }
            return;
        }
        long left = current == null ? 0 : current.suppressed.get();
        log.warn(left == 0 ? message : message + " (and " + left + " more like it in the last minute, not logged)");
        if (WINDOWS.size() > 10_000) {
            // Causes carry caller-chosen text only by mistake; never let the table grow without bound.
            WINDOWS.clear();
        }
    }
}
