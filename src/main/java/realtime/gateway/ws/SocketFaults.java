package realtime.gateway.ws;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import realtime.gateway.edge.ClientFaults;
import realtime.gateway.edge.ConnectionMdc;
import realtime.gateway.edge.Keepalive;

/**
 * What a socket's peer did wrong, answered the way RFC 6455 says: a frame or message over the limit is closed with
 * 1009 (message too big), any other broken framing with 1002 (protocol error). Both are the caller's doing, so they
 * are DEBUG lines with the connection id, never an ERROR and never a 1011.
 */
final class SocketFaults {

    private static final Logger LOG = Logger.getLogger(SocketFaults.class);

    private SocketFaults() {
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
    static void close(ServerWebSocket ws, HttpConnection connection, String id, Throwable t) {
        WebSocketCloseStatus status = status(t);
        ConnectionMdc.debugf(LOG, id, "socket %s closed with %d: %s", id, status.code(), t.getMessage());
        if (!ws.isClosed()) {
            ws.close((short) status.code(), status.reasonText());
            // Vert.x closes the connection right after this handler, before its read ends: send the frame now.
            ClientFaults.flush(connection);
        }
    }

    /** The keepalive side of a plain Vert.x socket. */
    record PlainPeer(ServerWebSocket ws) implements Keepalive.Peer {

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
    static String id(ServerWebSocket ws) {
        return ws.remoteAddress() == null ? Integer.toHexString(System.identityHashCode(ws)) : ws.remoteAddress().toString();
    }
}
