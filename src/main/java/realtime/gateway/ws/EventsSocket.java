package realtime.gateway.ws;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.TypeFilter;

/**
 * {@code /v1/sessions/{id}/events}: every frame of the session, byte for byte and in order, optionally
 * filtered ({@code ?types=a,b,prefix.*}) and wrapped ({@code ?envelope=true}); {@code gateway.*} events
 * always. Text the subscriber sends is ignored.
 */
@WebSocket(path = "/v1/sessions/{id}/events", endpointId = EventsSocket.ID)
public class EventsSocket {

    static final String ID = "events";

    private final SessionRegistry registry;
    private final GatewayConfig config;

    public EventsSocket(SessionRegistry registry, GatewayConfig config) {
        this.registry = registry;
        this.config = config;
    }

    @OnOpen
    @NonBlocking
    public void open(WebSocketConnection connection) {
        Query q = Query.of(connection.handshakeRequest().query());
        ConnectionSubscriber sub = new ConnectionSubscriber(connection, TypeFilter.parse(q.get("types")),
                "true".equalsIgnoreCase(q.get("envelope")), true, config.fanout().maxPending());
        connection.userData().put(Keys.SUBSCRIBER, sub);
        registry.get(connection.pathParam("id")).ifPresentOrElse(s -> s.subscribe(sub),
                () -> sub.close(1008, "unknown session"));
    }

    @OnTextMessage
    @NonBlocking
    public void ignore(String text) {
        // Subscribers are read-only; producers use /audio or /v1/realtime.
    }

    @OnClose
    @NonBlocking
    public void close(WebSocketConnection connection) {
        ConnectionSubscriber sub = connection.userData().get(Keys.SUBSCRIBER);
        if (sub != null) {
            registry.get(connection.pathParam("id")).ifPresent(s -> s.unsubscribe(sub));
        }
    }
}
