package realtime.gateway.session;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;
import realtime.gateway.edge.Throttled;

/**
 * What a session does with each step: the reactions to connect, frames and closes of the upstream, to
 * close requests and timer ticks, wired to the {@link Lifecycle}, the {@link InputPath}, the
 * {@link EventReactor} and the {@link SessionHub}. Every method runs on the session's {@link Mailbox}
 * ({@link GatewaySession} makes sure of it), so nothing here is shared or locked.
 */
final class SessionCore implements UpstreamSteps.Session {

    private static final Logger LOG = Logger.getLogger(GatewaySession.class);

    private final String id;
    private final SessionOwner owner;
    private final UpstreamProvider provider;
    private final RealtimeCodec codec;
    private final LongSupplier clock;
    private final GatewaySession.Limits limits;
    private final Mailbox mailbox;
    private final Runnable onEnd;
    private final long createdAt;
    private final long deadline;
    private final Lifecycle lifecycle;
    private final EventReactor reactor;
    private final InputPath input;
    private final SessionHub hub;
    private final Announcements announce;
    private int producers;
    private long lastActivity;
    /** Set when the process shuts down: sockets are closed with 1001 "going away". */
    private boolean goingAway;
    private final UpstreamLink link;
    private final UpstreamSteps upstream;
    private final SessionJournal journal;

    SessionCore(String id, TranscriptionConfig config, SessionOwner owner, UpstreamProvider provider,
            RealtimeCodec codec, LongSupplier clock, GatewaySession.Limits limits, SessionMetrics metrics,
            SessionJournal journal, Mailbox mailbox, Runnable onEnd,
            Function<Integer, UpstreamListener> links, Scheduler scheduler, DoubleSupplier random) {
        this.link = new UpstreamLink(id, provider, links, mailbox, scheduler, random, clock, metrics, limits.reconnect(),
                new Rotation(provider.maxSessionAge().map(java.time.Duration::toMillis).orElse(0L),
                        limits.rotateBeforeMs()));
        this.id = id;
        this.owner = owner;
        this.provider = provider;
        this.codec = codec;
        this.clock = clock;
        this.limits = limits;
        this.mailbox = mailbox;
        this.onEnd = onEnd;
        this.createdAt = clock.getAsLong();
        long max = owner.maxDuration().toMillis();
        this.deadline = createdAt + max < createdAt ? Long.MAX_VALUE : createdAt + max;
        this.lastActivity = createdAt;
        this.lifecycle = new Lifecycle(createdAt);
        this.journal = journal;
        this.reactor = new EventReactor(id, config, limits.defaultModel(), owner.usage(), metrics, provider.name(),
                row -> {
                    // The session's counters and usage go with each turn (the writer keeps only a session's last
                    // snapshot of a transaction; bench/store.sh measured 30 µs of writer CPU a turn for them).
                    journal.turn(id, row);
                    journal.session(snapshot());
                });
        this.input = new InputPath(id, lifecycle, reactor, owner.usage(), mailbox, limits.appendChunkBytes(),
                limits.maxQueuedWhileConnecting(), config.format(), limits.reconnect().maxBufferedMs());
        this.hub = new SessionHub(clock, limits.replay(), metrics);
        this.announce = new Announcements(id, codec, hub);
        this.upstream = new UpstreamSteps(id, provider, codec, clock, lifecycle, reactor, input, hub, announce, link,
                this, metrics);
    }

    long createdAt() {
        return createdAt;
    }

    long deadline() {
        return deadline;
    }

    SessionStatus status() {
        return lifecycle.status();
    }

    AudioFormat inputFormat() {
        return upstream.inputFormat();
    }

    UpstreamSteps upstream() {
        return upstream;
    }

    void connect() {
        journal.session(snapshot());
        link.connect();
    }

    /** Completes once the first connect has an answer (open, refused, or retrying). */
    java.util.concurrent.CompletableFuture<Void> firstAnswer() {
        return link.firstAnswer();
    }

    // ---- input -------------------------------------------------------------------------------------

    CompletionStage<Optional<Refusal>> audio(byte[] audio, AudioFormat format) {
        lastActivity = clock.getAsLong();
        return input.audio(audio, format);
    }

    CompletionStage<Upload> upload(byte[] audio, AudioFormat format, boolean commit) {
        lastActivity = clock.getAsLong();
        return input.upload(audio, format, commit);
    }

    CompletionStage<Optional<Refusal>> event(ClientEvent event) {
        return input.event(event);
    }

    CompletionStage<Optional<Refusal>> raw(String text, ClientEvent parsed) {
        return input.raw(text, parsed);
    }

    void producers(int change) {
        producers += change;
        lastActivity = clock.getAsLong();
    }

    // ---- subscribers -------------------------------------------------------------------------------

    /** Subscribes {@code s}, first replaying what followed {@code after} when it is not null (a resume). */
    void subscribe(Subscriber s, Long after) {
        hub.join(s, after, lifecycle.state().terminal() ? lifecycle.state().wire() : null, announce::replay,
                () -> announce.session(GatewayEvent.CLOSED, lifecycle.status()));
    }

    void unsubscribe(Subscriber s) {
        hub.unsubscribe(s);
    }

    // ---- lifecycle ---------------------------------------------------------------------------------

    void close(String why) {
        switch (lifecycle.state()) {
            case CONNECTING, RECONNECTING -> transition(SessionState.CLOSED, why, null);
            case ACTIVE -> {
                transition(SessionState.CLOSING, why, null);
                link.conn().close(1000, "session closed");
            }
            default -> {
                // closing or ended: nothing more to do
            }
        }
    }

    /** The process is stopping: drain like at a limit, then end, closing sockets with 1001. */
    void shutdown(long graceMs) {
        goingAway = true;
        drainAndClose("shutdown", graceMs);
    }

    /** Ends the session now, whatever is pending (the shutdown grace is over). */
    void end(String why) {
        transition(SessionState.CLOSED, why, null);
    }

    void drainAndClose(String why, long graceMs) {
        if (lifecycle.state() != SessionState.ACTIVE) {
            close(why);
            return;
        }
        input.finalCommit();
        transition(SessionState.CLOSING, why, null);
        lifecycle.drainUntil(clock.getAsLong() + graceMs);
        LOG.infof("session %s: draining: %s", id, why);
        drainStep(clock.getAsLong());
    }

    /** Closes the upstream of a draining session once nothing is pending or its grace has passed. */
    @Override
    public void drainStep(long now) {
        if (now < lifecycle.drainDeadline() && (input.queued() > 0 || !reactor.settled())) {
            return;
        }
        lifecycle.drained();
        if (link.conn() == null) {
            transition(SessionState.CLOSED, lifecycle.status().reason(), null);
        } else {
            link.conn().close(1000, "session closed");
        }
    }

    @Override
    public void fail(String why) {
        if (!lifecycle.state().terminal()) {
            Throttled.warn(LOG, "failed: " + why, "session " + id + ": failed: " + why);
            transition(SessionState.FAILED, why, null);
        }
    }

    /** The sweeper's tick: limits of duration, connecting, idleness and unconfirmed closes. */
    void tick(long now) {
        hub.sampleQueues();
        SessionState st = lifecycle.state();
        long age = now - lifecycle.status().since();
        // A first connect that fails in passing retries under the reconnect policy, which has its own limit.
        long connectLimit = limits.connectTimeoutMs() + limits.closeGraceMs()
                + (link.canReconnect() ? limits.reconnect().giveUpMs() : 0);
        if (lifecycle.draining()) {
            drainStep(now);
        } else if (lifecycle.acceptsInput() && now >= deadline) {
            drainAndClose("maximum session duration of " + SessionRegistry.formatDuration(deadline - createdAt)
                    + " reached (max-session-duration of key '" + owner.name() + "')", SessionRegistry.DRAIN_GRACE_MS);
        } else if (st == SessionState.CONNECTING && age >= connectLimit) {
            fail("upstream did not connect within " + connectLimit / 1000 + " s");
        } else if (lifecycle.acceptsInput() && producers <= 0 && now - lastActivity >= limits.idleTimeoutMs()) {
            close("idle for " + limits.idleTimeoutMs() / 1000 + " s without audio or a producer connection");
        } else if (st == SessionState.CLOSING && age >= limits.closeGraceMs()) {
            transition(SessionState.CLOSED, "upstream did not confirm the close", null);
        }
    }

    /** One transition: the gateway event goes out; an end also closes subscribers, input and upstream. */
    @Override
    public void transition(SessionState next, String why, Integer closeCode) {
        if (!lifecycle.moveTo(next, why, closeCode, clock.getAsLong())) {
            return;
        }
        announce.publishSession(GatewayEvent.STATE, lifecycle.status());
        journal.session(snapshot()); // before anyone learns of an end (a refused create forgets the session)
        if (!next.terminal()) {
            return;
        }
        input.abandon();
        link.firstAnswer().complete(null);
        link.close(1000, next == SessionState.FAILED ? "session failed" : "session closed");
        announce.publishSession(GatewayEvent.CLOSED, lifecycle.status());
        hub.closeAll(goingAway ? 1001 : 1000, goingAway ? "going away" : "session " + next.wire());
        LOG.infof("session %s: %s (%s)", id, next.wire(), why);
        onEnd.run();
    }

    // ---- views -------------------------------------------------------------------------------------

    Transcript.View transcript() {
        return reactor.transcript().view(lifecycle.state().wire());
    }

    /** Erases the transcript's finished turns (a privacy request); returns how many had text. */
    int eraseTranscript() {
        hub.forgetLog();
        return reactor.transcript().erase();
    }

    SessionSnapshot snapshot() {
        SessionStatus s = lifecycle.status();
        return new SessionSnapshot(id, "gateway.session", s.state().wire(), s.reason(), s.closeCode(), provider.name(),
                createdAt, s.closedAt(), reactor.config().toWire(),
                new SessionSnapshot.Counters(input.bytesSent(), input.msSent(), upstream.frames().total(),
                        upstream.frames().byType(),
                        hub.subscribersNow(), hub.subscribersTotal(), producers),
                owner.name(), reactor.usage(), new SessionSnapshot.Upstream(reactor.upstreamSessionId(), link.reconnects(), link.downtimeMs(),
                        input.resentMs(), input.retainedMs(), link.rotations()));
    }
}
