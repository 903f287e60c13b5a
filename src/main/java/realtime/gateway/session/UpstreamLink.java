package realtime.gateway.session;

import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * A session's connection to its upstream, and its replacement when it drops: connects, numbers each
 * connection (events of a replaced one no longer count), retries with jittered exponential backoff, gives up
 * after the policy's limit or at once on a refusal that will not change, and keeps the reconnect counters.
 * Touched only on the session's context.
 */
final class UpstreamLink {

    /** What the session does when the link changes. */
    interface Events {
        /** A connection is open: the first, or a replacement after {@code downtimeMs} and {@code attempts}. */
        void opened(UpstreamConnection conn, boolean replacement, long downtimeMs, int attempts);

        /** The first connection failed, or reconnecting is over: the session must fail. */
        void unreachable(String reason);

        /** A reconnect attempt is due in {@code delayMs}. */
        void retrying(int attempt, String cause, long delayMs);
    }

    private final String sessionId;
    private final UpstreamProvider provider;
    private final Function<Integer, UpstreamListener> listeners;
    private final Mailbox context;
    private final Scheduler scheduler;
    private final DoubleSupplier random;
    private final LongSupplier clock;
    private final Reconnects policy;
    private Events events;
    private int generation;
    private UpstreamConnection conn;
    private boolean reconnecting;
    private int attempt;
    private long droppedAt;
    private long reconnects;
    private long downtimeMs;

    UpstreamLink(String sessionId, UpstreamProvider provider, Function<Integer, UpstreamListener> listeners,
            Mailbox context, Scheduler scheduler, DoubleSupplier random, LongSupplier clock, Reconnects policy) {
        this.sessionId = sessionId;
        this.provider = provider;
        this.listeners = listeners;
        this.context = context;
        this.scheduler = scheduler;
        this.random = random;
        this.clock = clock;
        this.policy = policy;
    }

    void events(Events e) {
        this.events = e;
    }

    /** Opens a connection; its events carry a generation of their own. */
    void connect() {
        int gen = ++generation;
        provider.connect(sessionId, listeners.apply(gen)).subscribe().with(
                c -> context.execute(() -> connected(gen, c)),
                e -> context.execute(() -> failed(gen, e)));
    }

    /** Whether events of connection {@code gen} still count. */
    boolean current(int gen) {
        return gen == generation;
    }

    /** The open connection, or null. */
    UpstreamConnection conn() {
        return conn;
    }

    /** Closes the open connection, if any; nothing it says counts any more. */
    void close(int code, String reason) {
        generation++;
        if (conn != null) {
            conn.close(code, reason);
            conn = null;
        }
        reconnecting = false;
    }

    /** The current connection ended. */
    void lost() {
        conn = null;
    }

    boolean canReconnect() {
        return policy.enabled();
    }

    /** The connection is gone while the session is not: a replacement after a jittered backoff. */
    void reconnect(String cause) {
        generation++;
        if (conn != null) {
            conn.close(1000, "reconnecting");
            conn = null;
        }
        reconnecting = true;
        droppedAt = clock.getAsLong();
        attempt = 0;
        retry(cause);
    }

    private void connected(int gen, UpstreamConnection c) {
        if (gen != generation) {
            c.close(1000, "session closed");
            return;
        }
        conn = c;
        long down = reconnecting ? clock.getAsLong() - droppedAt : 0;
        if (reconnecting) {
            reconnects++;
            downtimeMs += down;
        }
        boolean replacement = reconnecting;
        reconnecting = false;
        events.opened(c, replacement, down, attempt);
    }

    private void failed(int gen, Throwable e) {
        if (gen != generation) {
            return;
        }
        String why = "upstream connection failed: " + e.getMessage();
        long down = clock.getAsLong() - droppedAt;
        if (!reconnecting) {
            events.unreachable(why);
        } else if (provider.fatal(e)) {
            reconnecting = false;
            events.unreachable("upstream refused to reconnect: " + why);
        } else if (down >= policy.giveUpMs()) {
            reconnecting = false;
            events.unreachable("upstream unreachable for " + down / 1000 + " s after " + attempt
                    + " attempts (gateway.upstream.reconnect.give-up); last: " + why);
        } else {
            retry(why);
        }
    }

    private void retry(String cause) {
        attempt++;
        long delay = policy.delay(attempt, random);
        events.retrying(attempt, cause, delay);
        int gen = generation;
        scheduler.schedule(delay, () -> context.execute(() -> {
            if (gen == generation && reconnecting) {
                connect();
            }
        }));
    }

    long reconnects() {
        return reconnects;
    }

    long downtimeMs() {
        return downtimeMs;
    }
}
