package realtime.gateway.ws;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.edge.ConnectionMdc;
import realtime.gateway.edge.Keepalive;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.SessionRegistry;

/**
 * {@code /v1/sessions/{id}/audio}: binary frames are audio in the session's input format (PCM16 24 kHz
 * mono by default), text frames are client events. Only errors about this connection's own input are
 * sent back; events go to subscribers. The socket's reads are paused from each frame until the session
 * has handed it upstream, so a producer faster than the upstream is held back by TCP itself rather than
 * queued in memory; that is why this is a plain Vert.x socket (websockets-next offers no pause). An
 * unknown session is refused with 404 before the upgrade, an ended one with 409.
 */
@ApplicationScoped
public class AudioRoute {

    private static final Logger LOG = Logger.getLogger(AudioRoute.class);

    private final SessionRegistry registry;
    private final ProducerInput input;
    private final PlainSockets sockets;

    public AudioRoute(SessionRegistry registry, ProducerInput input, PlainSockets sockets) {
        this.registry = registry;
        this.input = input;
        this.sockets = sockets;
    }

    void register(@Observes Router router) {
        router.route(HttpMethod.GET, "/v1/sessions/:id/audio").order(-1000).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        GatewaySession session = registry.get(rc.pathParam("id")).orElse(null);
        if (session == null) {
            rc.response().setStatusCode(404).end();
            return;
        }
        if (session.state().terminal()) {
            rc.response().setStatusCode(409).end();
            return;
        }
        String upgrade = rc.request().getHeader("Upgrade");
        if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade)) {
            rc.response().setStatusCode(426).putHeader("Upgrade", "websocket").end();
            return;
        }
        sockets.upgrade(rc, "audio", open -> {
            ServerWebSocket ws = open.ws();
            session.producerAttached();
            ws.binaryMessageHandler(b -> paused(ws, open.beat(),
                    ConnectionMdc.call(open.id(), () -> input.audio(session, b.getBytes()))));
            ws.textMessageHandler(t -> paused(ws, open.beat(),
                    ConnectionMdc.call(open.id(), () -> input.text(session, t))));
            return session::producerDetached;
        });
    }

    /**
     * Reads nothing more from {@code ws} until {@code done}; then answers with its error, if any. Meanwhile its
     * pongs wait unread too, so the pong deadline is held.
     */
    private static void paused(ServerWebSocket ws, Keepalive.Beat beat, CompletionStage<Optional<String>> done) {
        ws.pause();
        beat.hold(true);
        done.whenComplete((error, e) -> {
            if (error != null && error.isPresent() && !ws.isClosed()) {
                ws.writeTextMessage(error.get());
            }
            beat.hold(false);
            ws.resume();
        });
    }
}
