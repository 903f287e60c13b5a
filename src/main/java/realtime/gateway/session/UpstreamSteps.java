package realtime.gateway.session;

import org.jboss.logging.Logger;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.SessionEvent;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamProvider;
import realtime.gateway.edge.Throttled;

/**
 * What a session does about its upstream connections: opens, drops and reconnects, rotations before the
 * upstream's age limit, and the frames each connection sends (acted on, then published). The session's
 * lifecycle moves through {@link Session}. Runs on the session's {@link Mailbox} only.
 */
final class UpstreamSteps implements UpstreamLink.Events {

    private static final Logger LOG = Logger.getLogger(GatewaySession.class);

    /** The lifecycle moves the upstream side makes happen. */
    interface Session {
        void transition(SessionState next, String why, Integer closeCode);

        void fail(String why);

        void drainStep(long now);
    }

    private final String id;
    private final UpstreamProvider provider;
    private final RealtimeCodec codec;
    private final java.util.function.LongSupplier clock;
    private final Lifecycle lifecycle;
    private final EventReactor reactor;
    private final InputPath input;
    private final SessionHub hub;
    private final Announcements announce;
    private final UpstreamLink link;
    private final FrameCounts frames = new FrameCounts();
    private final Session session;
    private final SessionMetrics metrics;
    private final Latencies latencies;
    /** The input format, for threads that convert uploads before handing them in. */
    private volatile AudioFormat inputFormat;
    /** The old connection of the last rotation, while it still owes turns. */
    private Retiring retiring;
    /** A standby held back until the old connection of the last rotation has closed; and whether the move is due. */
    private UpstreamConnection waitingStandby;
    private boolean forceWhenHandedOver;

    UpstreamSteps(String id, UpstreamProvider provider, RealtimeCodec codec, java.util.function.LongSupplier clock,
            Lifecycle lifecycle, EventReactor reactor, InputPath input, SessionHub hub, Announcements announce,
            UpstreamLink link, Session session, SessionMetrics metrics) {
        this.metrics = metrics;
        this.latencies = new Latencies(metrics, provider.name());
        this.id = id;
        this.provider = provider;
        this.codec = codec;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.reactor = reactor;
        this.input = input;
        this.hub = hub;
        this.announce = announce;
        this.link = link;
        this.session = session;
        this.inputFormat = reactor.config().format();
        link.events(this);
    }

    AudioFormat inputFormat() {
        return inputFormat;
    }

    FrameCounts frames() {
        return frames;
    }

    @Override
    public void unreachable(String reason) {
        session.fail(reason);
    }

    @Override
    public void retrying(int attempt, String cause, long delayMs) {
        announce.reconnecting(attempt, cause, delayMs);
    }

    @Override
    public void opened(UpstreamConnection conn, boolean replacement, long downtimeMs, int attempts) {
        SessionState st = lifecycle.state();
        if (st != SessionState.CONNECTING && st != SessionState.RECONNECTING) {
            link.close(1000, "session closed");
            return;
        }
        // The effective configuration: what callers set with session.update since the start, not the create body.
        conn.send(new ClientEvent.SessionUpdate(null, reactor.config().toWire()));
        input.ownUpdateSent();
        if (!replacement) {
            session.transition(SessionState.ACTIVE, "upstream connected", null);
            input.connected(conn);
            LOG.infof("session %s: active (upstream %s)", id, provider.name());
            return;
        }
        long offset = input.msSent() - input.retainedMs();
        session.transition(SessionState.ACTIVE, "upstream reconnected", null);
        announce.reconnected(attempts, downtimeMs);
        metrics.reconnected(provider.name(), downtimeMs);
        reactor.reconnected(input.reconnected(conn, reactor.config().turnDetection().isEmpty()), offset);
        LOG.infof("session %s: upstream reconnected after %d ms (attempt %d)", id, downtimeMs, attempts);
    }

    @Override
    public void standbyOpened(UpstreamConnection standby) {
        standby.send(new ClientEvent.SessionUpdate(null, reactor.config().toWire()));
        if (retiring != null && !retiring.settled()) {
            // The last rotation's old connection still owes turns: a move now would close it with them unsent.
            waitingStandby = standby;
            return;
        }
        input.standby(standby, this::moved);
    }

    @Override
    public void handoverDue() {
        if (waitingStandby != null) {
            forceWhenHandedOver = true;
            return;
        }
        input.forceMove();
    }

    @Override
    public void retired() {
        UpstreamConnection standby = waitingStandby;
        if (standby == null) {
            return;
        }
        waitingStandby = null;
        input.standby(standby, this::moved);
        if (forceWhenHandedOver) {
            forceWhenHandedOver = false;
            input.forceMove();
        }
    }

    /** A rotation moved the audio to the standby; the old connection finishes what it owes, then closes. */
    private void moved(boolean commitSent) {
        retiring = new Retiring(reactor.transcript().pendingIds(), reactor.awaitingCommit() ? 1 : 0);
        long age = link.promote();
        metrics.rotated(provider.name());
        reactor.rotated(input.msSent());
        announce.rotated("the upstream connection was " + age / 1000 + " s old, near its age limit "
                + "(gateway.upstream.max-session-age)" + (commitSent ? "; the turn in progress was committed" : ""), age);
        LOG.infof("session %s: moved to a new upstream connection after %d s", id, age / 1000);
        if (retiring.settled()) {
            link.retire(1000, "replaced by a newer connection");
        }
    }

    /**
     * The upstream connection is gone while the session is not (a drop, a close it did not ask for, a
     * transient upstream error): a new one is opened after a jittered backoff, with the input held meanwhile.
     */
    private void drop(String cause, Integer code) {
        waitingStandby = null; // the reconnect drops the standby too
        forceWhenHandedOver = false;
        input.disconnected();
        session.transition(SessionState.RECONNECTING, cause, code);
        // One line per cause a minute: an outage that drops every session at once is one line, not one per session.
        Throttled.warn(LOG, "upstream lost: " + cause, "session " + id + ": upstream lost (" + cause + "); reconnecting");
        link.reconnect(cause);
    }

    void frame(int gen, String text) {
        if (!link.current(gen)) {
            return;
        }
        if (!link.main(gen)) {
            sideFrame(gen, text);
            return;
        }
        // Peek at the type and bind only what the session acts on: most frames (deltas) go on as they are.
        String type = codec.peekType(text);
        counted(type);
        String fatal = null;
        String[] replaced = null;
        if (type != null && EventReactor.ACTED_ON.contains(type)) {
            var event = codec.decodeServer(text);
            observed(event);
            input.learn(event, true);
            fatal = reactor.act(event);
            replaced = reactor.takeReplacement();
            inputFormat = reactor.config().format();
        }
        if (replaced != null) {
            announce.replaced(replaced[0], replaced[1]);
        }
        hub.publish(type, text, false);
        if (SessionEvent.Created.TYPE.equals(type) || SessionEvent.TranscriptionCreated.TYPE.equals(type)) {
            link.firstAnswer().complete(null);
        }
        if (fatal != null && fatal.startsWith(EventReactor.RECONNECT) && lifecycle.state() == SessionState.ACTIVE
                && link.canReconnect()) {
            drop(fatal.substring(EventReactor.RECONNECT.length()), null);
        } else if (fatal != null) {
            session.fail(fatal.startsWith(EventReactor.RECONNECT) ? fatal.substring(EventReactor.RECONNECT.length()) : fatal);
        } else if (lifecycle.draining()) {
            session.drainStep(clock.getAsLong());
        }
    }

    /**
     * A frame of a standby (not yet taking audio) or retiring connection: subscribers see it and the transcript
     * learns from it, but its errors end only that connection, never the session.
     */
    private void sideFrame(int gen, String text) {
        String type = codec.peekType(text);
        counted(type);
        String fatal = null;
        if (type != null && EventReactor.ACTED_ON.contains(type)) {
            var event = codec.decodeServer(text);
            observed(event);
            input.learn(event, false);
            fatal = reactor.act(event, link.retiring(gen));
            if (link.retiring(gen) && retiring != null) {
                retiring.learn(event);
            }
        }
        hub.publish(type, text, false);
        if (link.retiring(gen) && (fatal != null || retiring == null || retiring.settled())) {
            link.retire(1000, "replaced by a newer connection");
        } else if (link.standby(gen) && fatal != null) {
            waitingStandby = null;
            forceWhenHandedOver = false;
            input.standbyLost();
            link.standbyLost();
        }
        if (lifecycle.draining()) {
            session.drainStep(clock.getAsLong());
        }
    }

    /** Every upstream frame: the session's counts, the metrics, the first-delta latency. */
    private void counted(String type) {
        frames.text(type);
        metrics.upstreamFrame(provider.name(), type);
        if (realtime.gateway.event.TranscriptionEvent.Delta.TYPE.equals(type)) {
            latencies.delta(clock.getAsLong());
        }
    }

    /** What the metrics learn from a decoded frame: turn ends, completions, error codes. */
    private void observed(realtime.gateway.event.ServerEvent event) {
        if (event instanceof realtime.gateway.event.InputAudioEvent.SpeechStopped s) {
            latencies.speechStopped(s.itemId(), clock.getAsLong());
        } else if (event instanceof realtime.gateway.event.TranscriptionEvent.Completed c) {
            latencies.completed(c.itemId(), clock.getAsLong());
        } else if (event instanceof realtime.gateway.event.SystemEvent.Error e && e.error() != null) {
            metrics.upstreamError(provider.name(), e.error().code() == null ? null : e.error().code().orElse(null));
        }
    }

    void binaryFrame(int gen) {
        if (link.current(gen)) {
            frames.binary();
        }
    }

    /**
     * The upstream socket ended. Asked for (closing): the session ends. Not asked for while active, whatever
     * the code (1000 included: the turn in flight would be lost): a reconnect.
     */
    void upstreamClosed(int gen, int code, String why) {
        if (!link.current(gen)) {
            return;
        }
        if (link.retiring(gen)) {
            if (retiring != null && !retiring.settled()) {
                LOG.warnf("session %s: the replaced upstream connection closed (%d) owing %d turns", id, code,
                        retiring.owed());
            }
            link.retire(code, "closed");
            return;
        }
        if (link.standby(gen)) {
            waitingStandby = null;
            forceWhenHandedOver = false;
            input.standbyLost();
            link.standbyLost();
            return;
        }
        link.lost();
        SessionState st = lifecycle.state();
        if (st.terminal()) {
            return;
        }
        String detail = "upstream closed with code " + code + (why == null || why.isEmpty() ? "" : ": " + why);
        if (st == SessionState.CLOSING) {
            session.transition(SessionState.CLOSED, lifecycle.status().reason(), code);
        } else if (st == SessionState.ACTIVE && link.canReconnect()) {
            drop(detail, code);
        } else {
            session.transition(code == 1000 || code == 1001 ? SessionState.CLOSED : SessionState.FAILED, detail, code);
        }
    }
}
