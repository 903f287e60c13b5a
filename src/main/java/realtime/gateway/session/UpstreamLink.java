package realtime.gateway.session;

import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * A session's connections to its upstream: the main one (which takes the audio), its replacement when it
 * drops, and around a rotation a standby (opened ahead of the upstream's age limit) and a retiring one
 * (finishing its last turns). Each connection has a generation number; events of a connection that is none
 * of these no longer count. Retries use jittered exponential backoff and give up after the policy's limit,
 * or at once on a refusal that will not change. Touched only on the session's context.
 */
final class UpstreamLink {

    /** What the session does when the link changes. */
    interface Events {
        /** The main connection is open: the first, or ({@code replacement}) one after a drop, {@code downtimeMs} later. */
        void opened(UpstreamConnection conn, boolean replacement, long downtimeMs, int attempts);

        /** The first connection was refused, or reconnecting is over: the session must fail. */
        void unreachable(String reason);

        /** A connect attempt is due in {@code delayMs}. */
        void retrying(int attempt, String cause, long delayMs);

        /** A standby connection is open: the session moves to it at its next turn boundary. */
        void standbyOpened(UpstreamConnection standby);

        /** The old connection is close to its age limit: move to the standby now, turn boundary or not. */
        void handoverDue();

        /** The connection a rotation replaced has closed (its turns done, or its time up). */
        void retired();
    }

    private final String sessionId;
    private final UpstreamProvider provider;
    private final Function<Integer, UpstreamListener> listeners;
    private final Mailbox context;
    private final Scheduler scheduler;
    private final DoubleSupplier random;
    private final LongSupplier clock;
    private final Reconnects policy;
    private final SessionMetrics metrics;
    private final Rotation rotation;
    private final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
    private Events events;
    private int nextGeneration;
    /** The main connection's generation (also while it is being opened). */
    private int generation;
    private UpstreamConnection conn;
    private long openedAt;
    private boolean everOpened;
    private boolean reconnecting;
    private int attempt;
    private long droppedAt;
    private long reconnects;
    private long downtimeMs;
    private int standbyGen, retiringGen;
    private UpstreamConnection standby, retiring;
    private long standbyOpenedAt, rotations;

    UpstreamLink(String sessionId, UpstreamProvider provider, Function<Integer, UpstreamListener> listeners,
            Mailbox context, Scheduler scheduler, DoubleSupplier random, LongSupplier clock, SessionMetrics metrics,
            Reconnects policy, Rotation rotation) {
        this.sessionId = sessionId;
        this.provider = provider;
        this.listeners = listeners;
        this.context = context;
        this.scheduler = scheduler;
        this.random = random;
        this.clock = clock;
        this.policy = policy;
        this.metrics = metrics;
        this.rotation = rotation;
    }

    void events(Events e) {
        this.events = e;
    }

    /**
     * Completes once the first connect has an answer: the upstream's {@code session.created} (an upstream that
     * refuses a key after the handshake sends an {@code error} instead), a refusal (the session has failed), or
     * retrying.
     */
    CompletableFuture<Void> firstAnswer() {
        return firstAnswer;
    }

    /** Opens the main connection; its events carry a generation of their own. */
    void connect() {
        if (!everOpened && !reconnecting) {
            droppedAt = clock.getAsLong();
        }
        int gen = generation = ++nextGeneration;
        open(gen, this::connected, this::failed);
    }

    /** Opens connection {@code gen}; its outcome (timed for the metrics) goes to the session's context. */
    private void open(int gen, java.util.function.BiConsumer<Integer, UpstreamConnection> opened,
            java.util.function.BiConsumer<Integer, Throwable> failed) {
        long start = clock.getAsLong();
        provider.connect(sessionId, listeners.apply(gen)).subscribe().with(c -> context.execute(() -> {
            metrics.connect(provider.name(), true, clock.getAsLong() - start);
            opened.accept(gen, c);
        }), e -> context.execute(() -> {
            metrics.connect(provider.name(), false, clock.getAsLong() - start);
            failed.accept(gen, e);
        }));
    }

    /** Whether events of connection {@code gen} still count. */
    boolean current(int gen) {
        return gen == generation || (gen != 0 && (gen == standbyGen || gen == retiringGen));
    }

    /** Whether {@code gen} is the main connection (the one that takes audio). */
    boolean main(int gen) {
        return gen == generation;
    }

    boolean retiring(int gen) {
        return gen != 0 && gen == retiringGen;
    }

    boolean standby(int gen) {
        return gen != 0 && gen == standbyGen;
    }

    /** The open main connection, or null. */
    UpstreamConnection conn() {
        return conn;
    }

    /** Closes every connection; nothing they say counts any more. */
    void close(int code, String reason) {
        generation = ++nextGeneration;
        if (conn != null) {
            conn.close(code, reason);
            conn = null;
        }
        dropStandby(code, reason);
        retire(code, reason);
        reconnecting = false;
    }

    /** The main connection ended. */
    void lost() {
        conn = null;
    }

    boolean canReconnect() {
        return policy.enabled();
    }

    /** The main connection is gone while the session is not: a replacement after a jittered backoff. */
    void reconnect(String cause) {
        generation = ++nextGeneration;
        if (conn != null) {
            conn.close(1000, "reconnecting");
            conn = null;
        }
        dropStandby(1000, "reconnecting");
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
        openedAt = clock.getAsLong();
        boolean replacement = everOpened && reconnecting;
        long down = replacement ? openedAt - droppedAt : 0;
        if (replacement) {
            reconnects++;
            downtimeMs += down;
        }
        everOpened = true;
        reconnecting = false;
        scheduleRotation(gen);
        events.opened(c, replacement, down, attempt);
    }

    private void failed(int gen, Throwable e) {
        if (gen != generation) {
            return;
        }
        String why = "upstream connection failed: " + Reconnects.describe(e);
        long down = clock.getAsLong() - droppedAt;
        if (!everOpened && !reconnecting && (provider.refusedAtStart(e) || !policy.enabled())) {
            events.unreachable(why);
        } else if (provider.fatal(e)) {
            reconnecting = false;
            events.unreachable((everOpened ? "upstream refused to reconnect: " : "upstream refused: ") + why);
        } else if (down >= policy.giveUpMs()) {
            reconnecting = false;
            events.unreachable("upstream unreachable for " + down / 1000 + " s after " + attempt
                    + " attempts (gateway.upstream.reconnect.give-up); last: " + why);
        } else {
            // A first connect that failed in passing retries like a reconnect; input is held meanwhile.
            reconnecting = true;
            retry(why);
        }
        firstAnswer.complete(null);
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

    // ---- rotation ----------------------------------------------------------------------------------

    /**
     * Opens a standby ahead of the age limit of main connection {@code gen} (open since {@link #openedAt});
     * forces the move close to it.
     */
    private void scheduleRotation(int gen) {
        if (!rotation.enabled()) {
            return;
        }
        long now = clock.getAsLong();
        scheduler.schedule(rotation.standbyAt(openedAt) - now, () -> context.execute(() -> {
            if (gen == generation && conn != null) {
                openStandby(gen, 0);
            }
        }));
        scheduler.schedule(rotation.forceAt(openedAt) - now, () -> context.execute(() -> {
            if (gen == generation && standby != null) {
                events.handoverDue();
            }
        }));
    }

    private void openStandby(int mainGen, int tries) {
        if (standbyGen != 0) {
            return;
        }
        open(standbyGen = ++nextGeneration, (gen, c) -> {
            if (gen != standbyGen) {
                c.close(1000, "not needed");
                return;
            }
            standby = c;
            standbyOpenedAt = clock.getAsLong();
            events.standbyOpened(c);
        }, (gen, e) -> {
            if (gen == standbyGen) {
                standbyGen = 0;
                retryStandby(mainGen, tries + 1);
            }
        });
    }

    /** A standby that failed or dropped before the move: another, after the backoff, while there is time. */
    private void retryStandby(int mainGen, int tries) {
        long delay = policy.delay(tries, random);
        if (clock.getAsLong() + delay >= rotation.forceAt(openedAt)) {
            return; // too late: the age limit will end the connection, and that is a reconnect
        }
        scheduler.schedule(delay, () -> context.execute(() -> {
            if (mainGen == generation && conn != null) {
                openStandby(mainGen, tries);
            }
        }));
    }

    /** The standby ended (or was refused) before the move. */
    void standbyLost() {
        dropStandby(1000, "standby lost");
        retryStandby(generation, 1);
    }

    /**
     * The move: the standby becomes the main connection, the old one retires (it finishes its pending turns,
     * then {@link #retire}). Returns the old connection's age in ms.
     */
    long promote() {
        retire(1000, "replaced by a newer connection");
        long age = clock.getAsLong() - openedAt;
        retiring = conn;
        retiringGen = generation;
        conn = standby;
        generation = standbyGen;
        standby = null;
        standbyGen = 0;
        openedAt = standbyOpenedAt; // the upstream counts its age from its own open, not from the move
        rotations++;
        int gen = generation;
        scheduleRotation(gen);
        // The retiring connection is closed at its own age limit at the latest.
        int old = retiringGen;
        long left = Math.max(1, rotation.maxAgeMs() - age);
        scheduler.schedule(left, () -> context.execute(() -> {
            if (old == retiringGen) {
                retire(1000, "age limit");
            }
        }));
        return age;
    }

    /** Closes the retiring connection, if any: its turns are done (or its time is). */
    void retire(int code, String reason) {
        if (retiring != null) {
            retiring.close(code, reason);
            retiring = null;
            retiringGen = 0;
            events.retired();
        }
    }

    void dropStandby(int code, String reason) {
        if (standby != null) {
            standby.close(code, reason);
        }
        standby = null;
        standbyGen = 0;
    }

    long reconnects() {
        return reconnects;
    }

    long downtimeMs() {
        return downtimeMs;
    }

    long rotations() {
        return rotations;
    }
}
