package realtime.gateway.edge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import realtime.gateway.config.GatewayConfig;

/**
 * One timer for every long-lived connection: every {@code gateway.fanout.ping-interval} each WebSocket gets a ping
 * and each SSE stream a comment line, which keeps quiet connections alive through proxies (and under
 * {@code quarkus.http.idle-timeout}). A WebSocket that has sent nothing, not even the pong, within
 * {@code gateway.http.pong-timeout} of a ping is closed: its peer is gone, or will not read what it is sent.
 */
@ApplicationScoped
public class Keepalive {

    private static final Logger LOG = Logger.getLogger(Keepalive.class);

    /** What the timer does to one connection. */
    public interface Peer {

        /** Sends a ping (or, for a stream that cannot answer, a comment). */
        void ping();

        /** Closes the connection: it did not answer a ping in time. */
        void expire();
    }

    /** One kept-alive connection; the endpoint calls {@link #heard()} on every frame and pong it receives. */
    public static final class Beat {

        private final Peer peer;
        private final boolean answers;
        private final String id;
        private volatile long heardAt = System.nanoTime();
        private volatile boolean held;

        Beat(Peer peer, boolean answers, String id) {
            this.peer = peer;
            this.answers = answers;
            this.id = id;
        }

        /** The peer sent something: a pong, a message, a close. */
        public void heard() {
            heardAt = System.nanoTime();
        }

        /**
         * While held the connection never expires: the gateway itself has paused reading it (a producer waiting
         * for the upstream), so its pongs wait unread in the socket.
         */
        public void hold(boolean on) {
            held = on;
            if (!on) {
                heard();
            }
        }
    }

    private final Set<Beat> beats = ConcurrentHashMap.newKeySet();
    private final GatewayConfig config;
    private final Vertx vertx;

    public Keepalive(GatewayConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent ev) {
        long every = config.fanout().pingInterval().toMillis();
        if (every > 0) {
            vertx.setPeriodic(every, t -> round());
        }
    }

    /** Pings {@code peer} until {@link #remove} and expects an answer to each ping. */
    public Beat socket(Peer peer, String id) {
        Beat b = new Beat(peer, true, id);
        beats.add(b);
        return b;
    }

    /** Sends {@code peer} a comment every interval; a stream cannot answer, so it never expires. */
    public Beat stream(Peer peer, String id) {
        Beat b = new Beat(peer, false, id);
        beats.add(b);
        return b;
    }

    public void remove(Beat beat) {
        if (beat != null) {
            beats.remove(beat);
        }
    }

    private void round() {
        long pingAt = System.nanoTime();
        for (Beat b : beats) {
            b.peer.ping();
        }
        long deadline = config.http().pongTimeout().toMillis();
        if (deadline > 0) {
            vertx.setTimer(deadline, t -> expireSilent(pingAt));
        }
    }

    /** Closes every socket that has not been heard from since the ping sent at {@code pingAt}. */
    private void expireSilent(long pingAt) {
        for (Beat b : beats) {
            if (b.answers && !b.held && b.heardAt - pingAt < 0) {
                ConnectionMdc.debugf(LOG, b.id, "connection %s: no pong within %s, closing", b.id,
                        config.http().pongTimeout());
                beats.remove(b);
                b.peer.expire();
            }
        }
    }
}
