package realtime.gateway.ws;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.edge.AddressLimits;
import realtime.gateway.edge.ConnectionMdc;
import realtime.gateway.edge.Keepalive;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.TypeFilter;

/**
 * {@code /v1/realtime}: the OpenAI-compatible producer socket. The connection belongs to the session its
 * client secret was minted for; client events (GA or beta shapes) are validated and forwarded upstream,
 * and every upstream frame of the session comes back verbatim, as from OpenAI itself.
 */
@WebSocket(path = "/v1/realtime", endpointId = RealtimeSocket.ID)
public class RealtimeSocket {

    static final String ID = "realtime";
    private static final Logger LOG = Logger.getLogger(RealtimeSocket.class);

    private final SessionRegistry registry;
    private final ProducerInput input;
    private final GatewayConfig config;
    private final Keepalive keepalive;

    public RealtimeSocket(SessionRegistry registry, ProducerInput input, GatewayConfig config, Keepalive keepalive) {
        this.registry = registry;
        this.input = input;
        this.config = config;
        this.keepalive = keepalive;
    }

    private GatewaySession session(WebSocketConnection connection) {
        String id = connection.userData().get(Keys.SESSION);
        return id == null ? null : registry.get(id).orElse(null);
    }

    @OnOpen
    @NonBlocking
    public void open(WebSocketConnection connection) {
        GatewaySession s = session(connection);
        if (s == null) {
            connection.close(new CloseReason(1008, "session not found")).subscribe().with(v -> {
            }, e -> {
            });
            return;
        }
        ConnectionSubscriber sub = new ConnectionSubscriber(connection, TypeFilter.OPENAI_ONLY, false, false,
                config.fanout().maxPending());
        connection.userData().put(Keys.SUBSCRIBER, sub);
        connection.userData().put(Keys.BEAT, keepalive.socket(new ConnectionPeer(connection), connection.id()));
        s.producerAttached();
        if (Boolean.TRUE.equals(connection.userData().get(Keys.CREATED_ON_CONNECT))) {
            // The session was created by this upgrade, which waited for the upstream's session.created: what the
            // session said meanwhile (session.created, session.updated) comes first, from its replay log.
            s.resume(sub, 0);
        } else {
            s.subscribe(sub);
        }
    }

    @OnTextMessage
    @NonBlocking
    public Uni<Void> text(WebSocketConnection connection, String text) {
        heard(connection);
        GatewaySession s = session(connection);
        return s == null ? Uni.createFrom().voidItem()
                : ProducerInput.replyIfAny(ConnectionMdc.call(connection.id(), () -> input.text(s, text)),
                        connection::sendText);
    }

    @OnBinaryMessage
    @NonBlocking
    public void binary(WebSocketConnection connection, Buffer data) {
        heard(connection);
        reply(connection, input.binaryNotAllowed());
    }

    @OnPongMessage
    @NonBlocking
    public void pong(WebSocketConnection connection, Buffer data) {
        heard(connection);
    }

    /**
     * A frame over {@code quarkus.websockets-next.server.max-frame-size} (or broken framing) is the caller's: 1009
     * (1002), a DEBUG line, never the ERROR and 1011 of an unhandled failure.
     */
    @OnError
    @NonBlocking
    public void broken(WebSocketConnection connection, CorruptedWebSocketFrameException e) {
        WebSocketCloseStatus status = PlainSockets.status(e);
        ConnectionMdc.debugf(LOG, connection.id(), "socket %s closed with %d: %s", connection.id(), status.code(),
                e.getMessage());
        if (connection.isOpen()) {
            connection.close(new CloseReason(status.code(), status.reasonText())).subscribe().with(v -> {
            }, x -> {
            });
            realtime.gateway.edge.ClientFaults.flush(connection.userData().get(Keys.HTTP_CONNECTION));
        }
    }

    private static void heard(WebSocketConnection connection) {
        Keepalive.Beat beat = connection.userData().get(Keys.BEAT);
        if (beat != null) {
            beat.heard();
        }
    }

    @OnClose
    @NonBlocking
    public void close(WebSocketConnection connection) {
        keepalive.remove(connection.userData().get(Keys.BEAT));
        AddressLimits.Lease lease = connection.userData().get(Keys.LEASE);
        if (lease != null) {
            lease.release();
        }
        GatewaySession s = session(connection);
        ConnectionSubscriber sub = connection.userData().get(Keys.SUBSCRIBER);
        if (s != null && sub != null) {
            s.unsubscribe(sub);
            s.producerDetached();
            if (Boolean.TRUE.equals(connection.userData().get(Keys.CREATED_ON_CONNECT))) {
                s.close("the /v1/realtime connection that created the session closed");
            }
        }
    }

    private static void reply(WebSocketConnection connection, String text) {
        connection.sendText(text).subscribe().with(v -> {
        }, e -> {
        });
    }

    /** The keepalive side of a websockets-next connection. */
    private record ConnectionPeer(WebSocketConnection connection) implements Keepalive.Peer {

        @Override
        public void ping() {
            connection.sendPing(Buffer.buffer()).subscribe().with(v -> {
            }, e -> {
            });
        }

        @Override
        public void expire() {
            connection.close(new CloseReason(1001, "pong timeout")).subscribe().with(v -> {
            }, e -> {
            });
        }
    }
}
