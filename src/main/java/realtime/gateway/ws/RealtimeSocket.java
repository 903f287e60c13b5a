package realtime.gateway.ws;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import realtime.gateway.config.GatewayConfig;
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

    private final SessionRegistry registry;
    private final ProducerInput input;
    private final GatewayConfig config;

    public RealtimeSocket(SessionRegistry registry, ProducerInput input, GatewayConfig config) {
        this.registry = registry;
        this.input = input;
        this.config = config;
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
        GatewaySession s = session(connection);
        return s == null ? Uni.createFrom().voidItem()
                : ProducerInput.replyIfAny(input.text(s, text), connection::sendText);
    }

    @OnBinaryMessage
    @NonBlocking
    public void binary(WebSocketConnection connection, Buffer data) {
        reply(connection, input.binaryNotAllowed());
    }

    @OnClose
    @NonBlocking
    public void close(WebSocketConnection connection) {
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
}
