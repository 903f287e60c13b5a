package realtime.gateway.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * What a session does with each step: the reactions to connect, frames and closes of the upstream, to
 * close requests and timer ticks, wired to the {@link Lifecycle}, the {@link InputPath}, the
 * {@link EventReactor} and the {@link SessionHub}. Every method runs on the session's {@link Mailbox}
 * ({@link GatewaySession} makes sure of it), so nothing here is shared or locked.
 */
final class SessionCore {

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
    private final Map<String, long[]> eventsByType = new HashMap<>();
    /** The input format, for threads that convert uploads before handing them in. */
    private volatile AudioFormat inputFormat;
    private UpstreamConnection upstream;
    private long eventsReceived;
    private long eventIds;
    private int producers;
    private long lastActivity;
    /** Set when the process shuts down: sockets are closed with 1001 "going away". */
    private boolean goingAway;

    SessionCore(String id, TranscriptionConfig config, SessionOwner owner, UpstreamProvider provider,
            RealtimeCodec codec, LongSupplier clock, GatewaySession.Limits limits, Mailbox mailbox, Runnable onEnd) {
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
        this.reactor = new EventReactor(id, config, limits.defaultModel(), owner.usage());
        this.input = new InputPath(id, lifecycle, reactor, owner.usage(), mailbox, limits.appendChunkBytes(),
                limits.maxQueuedWhileConnecting(), config.format());
        this.hub = new SessionHub(clock, limits.replay());
        this.inputFormat = config.format();
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
        return inputFormat;
    }

    void connected(UpstreamConnection conn) {
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

    // ---- input -------------------------------------------------------------------------------------

    CompletionStage<Optional<Refusal>> audio(byte[] audio, AudioFormat format) {
        lastActivity = clock.getAsLong();
        return input.audio(audio, format);
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
        boolean live = !lifecycle.state().terminal();
        if (after != null && !hub.resume(s, after, live, (from, to, recovered) -> codec.write(
                new GatewayReplay(GatewayReplay.TYPE, "event_gw_" + id.substring(Math.min(5, id.length())) + "_"
                        + ++eventIds, id, from, to, recovered)))) {
            return;
        }
        if (live) {
            if (after == null) {
                hub.subscribe(s);
            }
            return;
        }
        if (after == null) {
            s.offer(new Frame(hub.lastSeq(), clock.getAsLong(), GatewayEvent.CLOSED, gatewayEvent(GatewayEvent.CLOSED),
                    true));
        }
        s.close(1000, "session " + lifecycle.state().wire());
    }

    void unsubscribe(Subscriber s) {
        hub.unsubscribe(s);
    }

    // ---- upstream ----------------------------------------------------------------------------------

    void frame(String text) {
        // Peek at the type and bind only what the session acts on: most frames (deltas) go on as they are.
        String type = codec.peekType(text);
        eventsReceived++;
        eventsByType.computeIfAbsent(type == null ? "(malformed)" : type, k -> new long[1])[0]++;
        String fatal = null;
        if (type != null && EventReactor.ACTED_ON.contains(type)) {
            var event = codec.decodeServer(text);
            if (event instanceof InputAudioEvent.Committed) {
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

    void binaryFrame() {
        eventsByType.computeIfAbsent("(binary)", k -> new long[1])[0]++;
    }

    /**
     * The upstream socket ended. This is where reconnection (and rotation before the upstream's cap) will
     * go: today every upstream close ends the session.
     */
    void upstreamClosed(int code, String why) {
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

    void close(String why) {
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

    void fail(String why) {
        if (!lifecycle.state().terminal()) {
            LOG.warnf("session %s: failed: %s", id, why);
            transition(SessionState.FAILED, why, null);
        }
    }

    /** The sweeper's tick: limits of duration, connecting, idleness and unconfirmed closes. */
    void tick(long now) {
        SessionState st = lifecycle.state();
        long age = now - lifecycle.status().since();
        long connectLimit = limits.connectTimeoutMs() + limits.closeGraceMs();
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
    private void transition(SessionState next, String why, Integer closeCode) {
        if (!lifecycle.moveTo(next, why, closeCode, clock.getAsLong())) {
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
        hub.closeAll(goingAway ? 1001 : 1000, goingAway ? "going away" : "session " + next.wire());
        LOG.infof("session %s: %s (%s)", id, next.wire(), why);
        onEnd.run();
    }

    private String gatewayEvent(String type) {
        SessionStatus s = lifecycle.status();
        return codec.write(new GatewayEvent(type, "event_gw_" + id.substring(Math.min(5, id.length())) + "_"
                + ++eventIds, id, s.state().wire(), s.reason(), s.closeCode(),
                s.closedAt() != null ? s.closedAt() : s.since()));
    }

    // ---- views -------------------------------------------------------------------------------------

    Transcript.View transcript() {
        return reactor.transcript().view(lifecycle.state().wire());
    }

    SessionSnapshot snapshot() {
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
