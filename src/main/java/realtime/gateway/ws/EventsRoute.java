package realtime.gateway.ws;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.Frame;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionHub;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.Subscriber;
import realtime.gateway.session.TypeFilter;

/**
 * {@code /v1/sessions/{id}/events}: every frame of the session, byte for byte and in order, optionally
 * filtered ({@code ?types=a,b,prefix.*}) and wrapped ({@code ?envelope=true}); {@code gateway.*} events
 * always. This is the hot path of the gateway, so it is a plain Vert.x WebSocket rather than a
 * websockets-next endpoint: measured with {@code bench/run.sh}, the per-send Mutiny and context
 * propagation work of websockets-next cost a third of the fan-out throughput. An unknown session is
 * refused with 404 before the upgrade. Requests without an upgrade go on to the SSE resource.
 */
@ApplicationScoped
public class EventsRoute {

    private static final Logger LOG = Logger.getLogger(EventsRoute.class);

    private final SessionRegistry registry;
    private final GatewayConfig config;
    private final PlainSockets sockets;

    public EventsRoute(SessionRegistry registry, GatewayConfig config, PlainSockets sockets) {
        this.registry = registry;
        this.config = config;
        this.sockets = sockets;
    }

    void register(@Observes Router router) {
        router.route(HttpMethod.GET, "/v1/sessions/:id/events").order(-1000).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        String upgrade = rc.request().getHeader("Upgrade");
        if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade)) {
            rc.next();
            return;
        }
        GatewaySession session = registry.get(rc.pathParam("id")).orElse(null);
        if (session == null) {
            rc.response().setStatusCode(404).end();
            return;
        }
        TypeFilter filter = TypeFilter.parse(rc.request().getParam("types"));
        boolean envelope = "true".equalsIgnoreCase(rc.request().getParam("envelope"));
        Long after;
        try {
            after = SessionHub.after(rc.request().getParam("after"), "after");
        } catch (Refusal.Rejected e) {
            rc.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end(Json.encode(Map.of("error", errorBody(e.getMessage()))));
            return;
        }
        sockets.upgrade(rc, "events", open -> {
            ServerWebSocket ws = open.ws();
            Subscriber sub = new WebSocketSubscriber(ws, filter, envelope, config.fanout().maxPending());
            // Subscribers are read-only (producers use /audio or /v1/realtime); what they send only proves them alive.
            ws.textMessageHandler(text -> open.beat().heard());
            ws.binaryMessageHandler(b -> open.beat().heard());
            if (after == null) {
                session.subscribe(sub);
            } else {
                session.resume(sub, after);
            }
            return () -> session.unsubscribe(sub);
        });
    }

    private static Map<String, Object> errorBody(String message) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("message", message);
        body.put("type", "invalid_request_error");
        body.put("param", "after");
        body.put("code", "invalid_value");
        return body;
    }

    /** A subscriber writing straight to the Vert.x socket: one frame write per delivery, nothing else. */
    static final class WebSocketSubscriber extends Subscriber {

        private final ServerWebSocket ws;

        WebSocketSubscriber(ServerWebSocket ws, TypeFilter filter, boolean envelope, int maxPending) {
            super("ws-" + Integer.toHexString(System.identityHashCode(ws)), filter, envelope, true, maxPending);
            this.ws = ws;
        }

        @Override
        protected void send(Frame frame, String text, Runnable written) {
            ws.writeTextMessage(text, ar -> written.run());
        }

        @Override
        protected void closeTransport(int code, String reason) {
            if (!ws.isClosed()) {
                ws.close((short) code, reason);
            }
        }
    }
}
