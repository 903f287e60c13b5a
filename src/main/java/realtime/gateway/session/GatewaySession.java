package realtime.gateway.session;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * One transcription session, as an actor: every input (caller audio and events, upstream frames and
 * closes, timer ticks, close requests) becomes a step run in order on the session's own {@link Mailbox},
 * where {@link SessionCore} does the work, so the session holds no lock and publishes to subscribers
 * under none. Methods here may be called from any thread; inputs complete with a {@link Refusal} or
 * none once handed upstream; other threads read the immutable {@link #status()} or ask for a snapshot.
 */
public final class GatewaySession {

    /** Limits and defaults the session applies on its own. */
    public record Limits(int appendChunkBytes, int maxQueuedWhileConnecting, long connectTimeoutMs, long closeGraceMs,
            long idleTimeoutMs, String defaultModel, SessionHub.ReplayLimits replay, Reconnects reconnect,
            long rotateBeforeMs) {
    }

    private final String id;
    private final SessionOwner owner;
    private final UpstreamProvider provider;
    private final Mailbox mailbox;
    private final SessionCore core;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    GatewaySession(String id, TranscriptionConfig config, SessionOwner owner, UpstreamProvider provider,
            RealtimeCodec codec, LongSupplier clock, Limits limits, SessionMetrics metrics, SessionJournal journal,
            Scheduler scheduler, Consumer<GatewaySession> onEnd) {
        this.id = id;
        this.owner = owner;
        this.provider = provider;
        this.mailbox = new Mailbox(id);
        this.core = new SessionCore(id, config, owner, provider, codec, clock, limits, metrics, journal, mailbox, () -> {
            onEnd.accept(this);
            ended.complete(null);
        }, Link::new, scheduler, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /** Opens the upstream; until it is open the session queues input and takes subscribers. */
    void start() {
        mailbox.execute(core::connect);
    }

    /**
     * Completes once the first upstream connect has an answer: open, refused (the session has then failed), or
     * failed in passing and retrying (input is held meanwhile).
     */
    public CompletionStage<Void> firstAnswer() {
        return core.firstAnswer().copy();
    }

    /** What one upstream connection says; once it is replaced, the core ignores it. */
    private final class Link implements UpstreamListener {
        private final int generation;

        Link(int generation) {
            this.generation = generation;
        }

        @Override
        public void onFrame(String text) {
            // The hot path: when the session is idle the frame is handled right here, without a task object.
            if (!mailbox.tryEnter()) {
                mailbox.execute(() -> frame(text));
                return;
            }
            try {
                frame(text);
            } catch (RuntimeException | AssertionError | StackOverflowError e) {
                mailbox.failed(e);
            } finally {
                mailbox.exit();
            }
        }

        private void frame(String text) {
            core.upstream().frame(generation, text);
        }

        @Override
        public void onBinaryFrame(int length) {
            mailbox.execute(() -> {
                core.upstream().binaryFrame(generation);
            });
        }

        @Override
        public void onClosed(int code, String why) {
            mailbox.execute(() -> core.upstream().upstreamClosed(generation, code, why));
        }
    }

    // ---- input: each completes when handed upstream, or with the refusal -------------------------------

    /** Audio in {@code format}: the session's input format, or PCM16 at a rate {@link #acceptsPcmRate} allows. */
    public CompletionStage<Optional<Refusal>> appendAudio(byte[] audio, AudioFormat format) {
        return ask(() -> core.audio(audio, format));
    }

    /**
     * An upload, then a commit when {@code commit}: answered once handed upstream, or at once with what is held
     * while the upstream connection is not open.
     */
    public CompletionStage<Upload> upload(byte[] audio, AudioFormat format, boolean commit) {
        return ask(() -> core.upload(audio, format, commit));
    }

    /** A validated client event (configuration updates already in the GA shape). */
    public CompletionStage<Optional<Refusal>> send(ClientEvent event) {
        return ask(() -> core.event(event));
    }

    /** A validated client frame forwarded exactly as written. */
    public CompletionStage<Optional<Refusal>> sendRaw(String text, ClientEvent parsed) {
        return ask(() -> core.raw(text, parsed));
    }

    public CompletionStage<Optional<Refusal>> commit() {
        return send(new ClientEvent.InputAudioBufferCommit(null));
    }

    public CompletionStage<Optional<Refusal>> clear() {
        return send(new ClientEvent.InputAudioBufferClear(null));
    }

    /** The session's input format (what {@code application/octet-stream} and binary frames must be). */
    public AudioFormat inputFormat() {
        return core.inputFormat();
    }

    /** Whether PCM16 at {@code rate} can be sent as it is (the upstream converts it once). */
    public boolean acceptsPcmRate(int rate) {
        return provider.acceptsPcmRate(rate);
    }

    // ---- subscribers and producers -----------------------------------------------------------------

    /** Adds a subscriber; on an ended session it gets the closed event at once and is closed. */
    public void subscribe(Subscriber s) {
        mailbox.execute(() -> core.subscribe(s, null));
    }

    /**
     * Adds a subscriber that already has every frame up to sequence number {@code after}: it first gets a
     * {@code gateway.replay} event and the frames it missed from the replay log, then the live stream. On
     * an ended session it gets the replay (the log lasts as long as the session is retained) and is closed.
     */
    public void resume(Subscriber s, long after) {
        mailbox.execute(() -> core.subscribe(s, after));
    }

    public void unsubscribe(Subscriber s) {
        mailbox.execute(() -> core.unsubscribe(s));
    }

    public void producerAttached() {
        mailbox.execute(() -> core.producers(1));
    }

    public void producerDetached() {
        mailbox.execute(() -> core.producers(-1));
    }

    // ---- lifecycle ---------------------------------------------------------------------------------

    /** Closes cleanly: the upstream is closed with 1000 and subscribers get a final event. Idempotent. */
    public void close(String why) {
        mailbox.execute(() -> core.close(why));
    }

    /**
     * Ends the session at a limit without losing speech: pending audio is committed, input is refused from
     * now on ({@code closing}, with {@code why} told to subscribers), and the upstream is closed once every
     * committed turn is transcribed or {@code graceMs} has passed.
     */
    public void drainAndClose(String why, long graceMs) {
        mailbox.execute(() -> core.drainAndClose(why, graceMs));
    }

    /**
     * The process is stopping: pending audio is committed, input refused ({@code closing}, reason
     * {@code shutdown}), the last transcriptions awaited up to {@code graceMs}; then the session closes and
     * its sockets get 1001 "going away".
     */
    void shutdown(long graceMs) {
        mailbox.execute(() -> core.shutdown(graceMs));
    }

    /** Completes when the session has ended (closed or failed) and its subscribers were told. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /** As {@link #ended()}, for callers outside the package (they cannot complete it). */
    public CompletionStage<Void> finished() {
        return ended.copy();
    }

    /** Ends the session at once, whatever is pending. */
    void end(String why) {
        mailbox.execute(() -> core.end(why));
    }

    /** The sweeper's tick: the session enforces its duration, connect, idle and close limits. */
    void tick(long now) {
        mailbox.execute(() -> core.tick(now));
    }

    // ---- views -------------------------------------------------------------------------------------

    public String id() {
        return id;
    }

    /** The lifecycle now, readable from any thread. */
    public SessionStatus status() {
        return core.status();
    }

    public SessionState state() {
        return core.status().state();
    }

    /** The key that created the session. */
    public String owner() {
        return owner.name();
    }

    public long createdAt() {
        return core.createdAt();
    }

    /** Epoch milliseconds when the session ends at the latest (its owner's max-session-duration). */
    public long expiresAt() {
        return core.deadline();
    }

    /** The session as {@code GET /v1/sessions/{id}} shows it, taken on its context. */
    public CompletionStage<SessionSnapshot> snapshot() {
        return ask(() -> CompletableFuture.completedFuture(core.snapshot()));
    }

    /** The transcript in speech order, taken on the session's context. */
    public CompletionStage<Transcript.View> transcript() {
        return ask(() -> CompletableFuture.completedFuture(core.transcript()));
    }

    /**
     * Erases the transcript kept in memory (a privacy request; the store erases its copy); completes with how
     * many transcribed turns were erased. Turns completed later are kept as usual.
     */
    public CompletionStage<Integer> eraseTranscript() {
        return ask(() -> CompletableFuture.completedFuture(core.eraseTranscript()));
    }

    /** Runs {@code step} on the session's context; its result completes the returned stage. */
    private <T> CompletionStage<T> ask(Supplier<CompletionStage<T>> step) {
        CompletableFuture<T> out = new CompletableFuture<>();
        mailbox.execute(() -> {
            CompletionStage<T> result;
            try {
                result = step.get();
            } catch (RuntimeException e) {
                out.completeExceptionally(e); // a bug: the caller gets a 500, not a hang
                throw e;
            }
            result.whenComplete((v, e) -> {
                if (e != null) {
                    out.completeExceptionally(e);
                } else {
                    out.complete(v);
                }
            });
        });
        return out;
    }
}
