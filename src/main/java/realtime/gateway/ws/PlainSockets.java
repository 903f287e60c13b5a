package realtime.gateway.ws;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Caller;
import realtime.gateway.auth.ScopedTokens;
import realtime.gateway.edge.AddressLimits;
import realtime.gateway.edge.ClientFaults;
import realtime.gateway.edge.ConnectionMdc;
import realtime.gateway.edge.Keepalive;

/**
 * What every plain Vert.x socket (events, audio) has in common, from its upgrade to its close: keepalive pings with
 * a pong deadline, its address's stream lease, its token's revocation (1008), and the peer's faults answered as RFC
 * 6455 says, a frame or message over the limit with 1009 (message too big), other broken framing with 1002, as
 * DEBUG lines with the connection id, never an ERROR and never a 1011. The routes add only what is theirs.
 */
@ApplicationScoped
public class PlainSockets {

    private static final Logger LOG = Logger.getLogger(PlainSockets.class);

    /** An upgraded socket, with its id for log lines and its keepalive beat. */
    record Opened(ServerWebSocket ws, String id, Keepalive.Beat beat) {
    }

    private final Keepalive keepalive;
    private final AddressLimits limits;
    private final ScopedTokens tokens;

    public PlainSockets(Keepalive keepalive, AddressLimits limits, ScopedTokens tokens) {
        this.keepalive = keepalive;
        this.limits = limits;
        this.tokens = tokens;
    }

    /**
     * Upgrades {@code rc}; {@code opened} sets the route's own handlers and returns what to do when the socket
     * closes. {@code what} names the socket kind in a failed upgrade's log line.
     */
    void upgrade(RoutingContext rc, String what, Function<Opened, Runnable> opened) {
        AddressLimits.Lease lease = limits.take(rc.request());
        HttpConnection connection = rc.request().connection();
        Caller caller = rc.get(Caller.CONTEXT_KEY);
        rc.request().toWebSocket().onSuccess(ws -> {
            String id = id(ws);
            Keepalive.Beat beat = keepalive.socket(new PlainPeer(ws), id);
            ws.pongHandler(b -> beat.heard());
            ws.exceptionHandler(e -> close(ws, connection, id, e));
            Runnable unwatch = tokens.whenRevoked(caller, () -> {
                if (!ws.isClosed()) {
                    ws.close((short) 1008, "token revoked");
                }
            });
            Runnable closed = opened.apply(new Opened(ws, id, beat));
            ws.closeHandler(v -> {
                unwatch.run();
                lease.release();
                keepalive.remove(beat);
                closed.run();
            });
        }).onFailure(e -> {
            lease.release();
            LOG.debugf("%s upgrade failed: %s", what, e.getMessage());
        });
    }

    /** The close status for a fault of the peer's: 1009, 1002, or 1001 for a transport that failed. */
    static WebSocketCloseStatus status(Throwable t) {
        if (t instanceof CorruptedWebSocketFrameException c && c.closeStatus() != null) {
            return c.closeStatus();
        }
        return t instanceof CorruptedWebSocketFrameException ? WebSocketCloseStatus.PROTOCOL_ERROR
                : WebSocketCloseStatus.ENDPOINT_UNAVAILABLE;
    }

    /** Closes {@code ws} (upgraded from {@code connection}) for the peer's fault {@code t}. */
    private static void close(ServerWebSocket ws, HttpConnection connection, String id, Throwable t) {
        WebSocketCloseStatus status = status(t);
        ConnectionMdc.debugf(LOG, id, "socket %s closed with %d: %s", id, status.code(), t.getMessage());
        if (!ws.isClosed()) {
            ws.close((short) status.code(), status.reasonText());
            // Vert.x closes the connection right after this handler, before its read ends: send the frame now.
            ClientFaults.flush(connection);
        }
    }

    /** The keepalive side of a plain Vert.x socket. */
    private record PlainPeer(ServerWebSocket ws) implements Keepalive.Peer {

        @Override
        public void ping() {
            ws.writePing(Buffer.buffer());
        }

        @Override
        public void expire() {
            if (!ws.isClosed()) {
                ws.close((short) 1001, "pong timeout");
            }
        }
    }

    /** A short id for log lines: the peer's address and port. */
    private static String id(ServerWebSocket ws) {
        return ws.remoteAddress() == null ? Integer.toHexString(System.identityHashCode(ws)) : ws.remoteAddress().toString();
    }
}
