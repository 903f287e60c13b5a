package realtime.gateway.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * One transcription session, as an actor: every input (caller audio and events, upstream frames and
 * closes, timer ticks, close requests) is a step run in order on the session's {@link Mailbox}, so its
 * state needs no lock and publishing to subscribers happens under none. The parts with one job each are
 * the {@link Lifecycle} (states and transitions), the {@link InputPath} (admit, queue, send with
 * backpressure) and the {@link EventReactor} (transcript, usage, effective configuration). Other threads
 * read the immutable {@link #status()} or ask for a snapshot.
 */
public final class GatewaySession implements UpstreamListener {

    private static final Logger LOG = Logger.getLogger(GatewaySession.class);

    /** Timing limits the session enforces on its own ticks. */
    public record Limits(int appendChunkBytes, int maxQueuedWhileConnecting, long connectTimeoutMs, long closeGraceMs,
            long idleTimeoutMs, String defaultModel) {
    }

    private final String id;
    private final SessionOwner owner;
    private final UpstreamProvider provider;
    private final RealtimeCodec codec;
    private final LongSupplier clock;
    private final Limits limits;
    private final Consumer<GatewaySession> onEnd;
    private final long createdAt;
    private final long deadline;
    private final Mailbox mailbox;
    private final Lifecycle lifecycle;
    private final EventReactor reactor;
    private final InputPath input;
    private final SessionHub hub;
    private final Map<String, long[]> eventsByType = new HashMap<>();
    private volatile AudioFormat inputFormat;
    private UpstreamConnection upstream;
    private long eventsReceived;
    private long eventIds;
    private int producers;
    private long lastActivity;

    GatewaySession(String id, TranscriptionConfig config, SessionOwner owner, UpstreamProvider provider,
            RealtimeCodec codec, LongSupplier clock, Limits limits, Consumer<GatewaySession> onEnd) {
        this.id = id;
        this.owner = owner;
        this.provider = provider;
        this.codec = codec;
        this.clock = clock;
        this.limits = limits;
        this.onEnd = onEnd;
        this.createdAt = clock.getAsLong();
        long max = owner.maxDuration().toMillis();
        this.deadline = createdAt + max < createdAt ? Long.MAX_VALUE : createdAt + max;
        this.lastActivity = createdAt;
        this.mailbox = new Mailbox(id);
        this.lifecycle = new Lifecycle(createdAt);
        this.reactor = new EventReactor(id, config, limits.defaultModel(), owner.usage());
        this.input = new InputPath(id, lifecycle, reactor, owner.usage(), mailbox, limits.appendChunkBytes(),
                limits.maxQueuedWhileConnecting(), config.format());
        this.hub = new SessionHub(clock);
        this.inputFormat = config.format();
    }

    /** Opens the upstream; until it is open the session queues input and takes subscribers. */
    void start() {
        provider.connect(id, this).subscribe().with(conn -> mailbox.execute(() -> connected(conn)),
                e -> mailbox.execute(() -> fail("upstream connection failed: " + e.getMessage())));
    }

    private void connected(UpstreamConnection conn) {
        if (lifecycle.state() != SessionState.CONNECTING) {
            conn.close(1000, "session closed");
            return;
        }
        upstream = conn;
        conn.send(new ClientEvent.SessionUpdate(null, reactor.config().toWire()));
        transition(SessionState.ACTIVE, "upstream connected", null);
        input.connected(conn);
        LOG.infof("session %s: active (upstream %s)", id, provider.name());
    }

    // ---- input: each completes when handed upstream, or with the refusal -------------------------------

    /** Audio in {@code format}: the session's input format, or PCM16 at a rate {@link #acceptsPcmRate} allows. */
    public CompletionStage<Optional<Refusal>> appendAudio(byte[] audio, AudioFormat format) {
        return ask(() -> {
            lastActivity = clock.getAsLong();
            return input.audio(audio, format);
        });
    }

    /** A validated client event (configuration updates already in the GA shape). */
    public CompletionStage<Optional<Refusal>> send(ClientEvent event) {
        return ask(() -> input.event(event));
    }

    /** A validated client frame forwarded exactly as written. */
    public CompletionStage<Optional<Refusal>> sendRaw(String text, ClientEvent parsed) {
        return ask(() -> input.raw(text, parsed));
    }

    public CompletionStage<Optional<Refusal>> commit() {
        return send(new ClientEvent.InputAudioBufferCommit(null));
    }

    public CompletionStage<Optional<Refusal>> clear() {
        return send(new ClientEvent.InputAudioBufferClear(null));
    }

    private <T> CompletionStage<T> ask(Supplier<CompletionStage<T>> step) {
        CompletableFuture<T> out = new CompletableFuture<>();
        mailbox.execute(() -> step.get().whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            } else {
                out.complete(v);
            }
        }));
        return out;
    }

    /** The session's input format (what {@code application/octet-stream} and binary frames must be). */
    public AudioFormat inputFormat() {
        return inputFormat;
    }

    /** Whether PCM16 at {@code rate} can be sent as it is (the upstream converts it once). */
    public boolean acceptsPcmRate(int rate) {
        return provider.acceptsPcmRate(rate);
    }

    // ---- subscribers and producers -----------------------------------------------------------------

    /** Adds a subscriber; on an ended session it gets the closed event at once and is closed. */
    public void subscribe(Subscriber s) {
        mailbox.execute(() -> {
            if (!lifecycle.state().terminal()) {
                hub.subscribe(s);
                return;
            }
            s.offer(new Frame(hub.lastSeq(), clock.getAsLong(), GatewayEvent.CLOSED, gatewayEvent(GatewayEvent.CLOSED),
                    true));
            s.close(1000, "session " + lifecycle.state().wire());
        });
    }

    public void unsubscribe(Subscriber s) {
        mailbox.execute(() -> hub.unsubscribe(s));
    }

    public void producerAttached() {
        mailbox.execute(() -> {
            producers++;
            lastActivity = clock.getAsLong();
        });
    }

    public void producerDetached() {
        mailbox.execute(() -> {
            producers--;
            lastActivity = clock.getAsLong();
        });
    }

    // ---- upstream ----------------------------------------------------------------------------------

    @Override
    public void onFrame(String text) {
        mailbox.execute(() -> frame(text));
    }

    private void frame(String text) {
        // Peek at the type and bind only what the session acts on: most frames (deltas) go on as they are.
        String type = codec.peekType(text);
        eventsReceived++;
        eventsByType.computeIfAbsent(type == null ? "(malformed)" : type, k -> new long[1])[0]++;
        String fatal = null;
        if (type != null && EventReactor.ACTED_ON.contains(type)) {
            var event = codec.decodeServer(text);
            if (event instanceof realtime.gateway.event.InputAudioEvent.Committed) {
                input.committedUpstream();
            }
            fatal = reactor.act(event);
            inputFormat = reactor.config().format();
        }
        hub.publish(type, text, false);
        if (fatal != null) {
            fail(fatal);
        } else if (lifecycle.draining()) {
            drainStep(clock.getAsLong());
        }
    }

    @Override
    public void onBinaryFrame(int length) {
        mailbox.execute(() -> eventsByType.computeIfAbsent("(binary)", k -> new long[1])[0]++);
    }

    @Override
    public void onClosed(int code, String why) {
        mailbox.execute(() -> upstreamClosed(code, why));
    }

    /**
     * The upstream socket ended. This is where reconnection (and rotation before the upstream's cap) will
     * go: today every upstream close ends the session.
     */
    private void upstreamClosed(int code, String why) {
        upstream = null;
        SessionState st = lifecycle.state();
        if (st.terminal()) {
            return;
        }
        String detail = "upstream closed with code " + code + (why == null || why.isEmpty() ? "" : ": " + why);
        if (st == SessionState.CLOSING) {
            transition(SessionState.CLOSED, lifecycle.status().reason(), code);
        } else {
            transition(code == 1000 || code == 1001 ? SessionState.CLOSED : SessionState.FAILED, detail, code);
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------------

    /** Closes cleanly: the upstream is closed with 1000 and subscribers get a final event. Idempotent. */
    public void close(String why) {
        mailbox.execute(() -> closeNow(why));
    }

    private void closeNow(String why) {
        switch (lifecycle.state()) {
            case CONNECTING -> transition(SessionState.CLOSED, why, null);
            case ACTIVE -> {
                transition(SessionState.CLOSING, why, null);
                upstream.close(1000, "session closed");
            }
            default -> {
                // closing or ended: nothing more to do
            }
        }
    }

    /**
     * Ends the session at a limit without losing speech: pending audio is committed, input is refused from
     * now on ({@code closing}, with {@code why} told to subscribers), and the upstream is closed once every
     * committed turn is transcribed or {@code graceMs} has passed.
     */
    public void drainAndClose(String why, long graceMs) {
        mailbox.execute(() -> {
            if (lifecycle.state() != SessionState.ACTIVE) {
                closeNow(why);
                return;
            }
            input.finalCommit();
            transition(SessionState.CLOSING, why, null);
            lifecycle.drainUntil(clock.getAsLong() + graceMs);
            LOG.infof("session %s: draining: %s", id, why);
            drainStep(clock.getAsLong());
        });
    }

    /** Closes the upstream of a draining session once nothing is pending or its grace has passed. */
    private void drainStep(long now) {
        if (now < lifecycle.drainDeadline() && (input.queued() > 0 || !reactor.settled())) {
            return;
        }
        lifecycle.drained();
        if (upstream == null) {
            transition(SessionState.CLOSED, lifecycle.status().reason(), null);
        } else {
            upstream.close(1000, "session closed");
        }
    }

    /** Moves to {@code failed}; the upstream, if any, is closed. */
    void fail(String why) {
        mailbox.execute(() -> {
            if (!lifecycle.state().terminal()) {
                LOG.warnf("session %s: failed: %s", id, why);
                transition(SessionState.FAILED, why, null);
            }
        });
    }

    /** The sweeper's tick: limits of duration, connecting, idleness and unconfirmed closes. */
    void tick(long now) {
        mailbox.execute(() -> {
            SessionState st = lifecycle.state();
            long age = now - lifecycle.status().since();
            if (lifecycle.draining()) {
                drainStep(now);
            } else if (lifecycle.acceptsInput() && now >= deadline) {
                drainAndClose("maximum session duration of " + SessionRegistry.formatDuration(deadline - createdAt)
                        + " reached (max-session-duration of key '" + owner.name() + "')", SessionRegistry.DRAIN_GRACE_MS);
            } else if (st == SessionState.CONNECTING && age >= limits.connectTimeoutMs() + limits.closeGraceMs()) {
                fail("upstream did not connect within " + (limits.connectTimeoutMs() + limits.closeGraceMs()) / 1000 + " s");
            } else if (lifecycle.acceptsInput() && producers <= 0 && now - lastActivity >= limits.idleTimeoutMs()) {
                closeNow("idle for " + limits.idleTimeoutMs() / 1000 + " s without audio or a producer connection");
            } else if (st == SessionState.CLOSING && age >= limits.closeGraceMs()) {
                transition(SessionState.CLOSED, "upstream did not confirm the close", null);
            }
        });
    }

    /** One transition: the gateway event goes out; an end also closes subscribers, input and upstream. */
    private void transition(SessionState next, String why, Integer closeCode) {
        long now = clock.getAsLong();
        if (!lifecycle.moveTo(next, why, closeCode, now)) {
            return;
        }
        hub.publish(GatewayEvent.STATE, gatewayEvent(GatewayEvent.STATE), true);
        if (!next.terminal()) {
            return;
        }
        input.abandon();
        if (upstream != null) {
            upstream.close(1000, next == SessionState.FAILED ? "session failed" : "session closed");
            upstream = null;
        }
        hub.publish(GatewayEvent.CLOSED, gatewayEvent(GatewayEvent.CLOSED), true);
        hub.closeAll(1000, "session " + next.wire());
        LOG.infof("session %s: %s (%s)", id, next.wire(), why);
        onEnd.accept(this);
    }

    private String gatewayEvent(String type) {
        SessionStatus s = lifecycle.status();
        return codec.write(new GatewayEvent(type, "event_gw_" + id.substring(Math.min(5, id.length())) + "_"
                + ++eventIds, id, s.state().wire(), s.reason(), s.closeCode(),
                s.closedAt() != null ? s.closedAt() : s.since()));
    }

    // ---- views -------------------------------------------------------------------------------------

    public String id() {
        return id;
    }

    /** The lifecycle now, readable from any thread. */
    public SessionStatus status() {
        return lifecycle.status();
    }

    public SessionState state() {
        return lifecycle.state();
    }

    /** The key that created the session. */
    public String owner() {
        return owner.name();
    }

    public long createdAt() {
        return createdAt;
    }

    /** Epoch milliseconds when the session ends at the latest (its owner's max-session-duration). */
    public long expiresAt() {
        return deadline;
    }

    /** The session as {@code GET /v1/sessions/{id}} shows it, taken on its context. */
    public CompletionStage<SessionSnapshot> snapshot() {
        return ask(() -> CompletableFuture.completedFuture(snapshotNow()));
    }

    /** The transcript in speech order, taken on the session's context. */
    public CompletionStage<Transcript.View> transcript() {
        return ask(() -> CompletableFuture.completedFuture(reactor.transcript().view(lifecycle.state().wire())));
    }

    private SessionSnapshot snapshotNow() {
        Map<String, Long> byType = new TreeMap<>();
        eventsByType.forEach((k, v) -> byType.put(k, v[0]));
        SessionStatus s = lifecycle.status();
        return new SessionSnapshot(id, "gateway.session", s.state().wire(), s.reason(), s.closeCode(), provider.name(),
                createdAt, s.closedAt(), reactor.config().toWire(),
                new SessionSnapshot.Counters(input.bytesSent(), input.msSent(), eventsReceived, byType,
                        hub.subscribersNow(), hub.subscribersTotal(), producers),
                owner.name(), reactor.usage());
    }
}
