package realtime.gateway.edge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.config.GatewayConfig;

/**
 * First on every request, before authentication: it answers broken framing with 400 and a client that went away
 * with a DEBUG line ({@link ClientFaults}), and it holds each request body to a deadline, {@code
 * gateway.http.body-timeout} plus a second per {@code body-min-rate} bytes received, so a body that trickles in
 * cannot hold a connection (or a worker thread reading it) for ever: past it, 408 and the connection is closed.
 * One timer checks every open body once a second.
 */
@ApplicationScoped
public class RequestGuard {

    private static final Logger LOG = Logger.getLogger(RequestGuard.class);
    /** Set in the routing context when the client broke or left the request: its later failures are DEBUG. */
    private static final String FAULT = "gateway.client-fault";

    /** A request whose body is still arriving. */
    private record Pending(HttpServerRequest request, long startedAt) {
    }

    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private final GatewayConfig config;
    private final Vertx vertx;

    public RequestGuard(GatewayConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        router.route().order(-20_000).handler(this::guard).failureHandler(this::afterFault);
    }

    /**
     * A route that fails on a request the client broke or left (its body reader, or its answer written after the
     * 400 went out) is the client's doing: a DEBUG line here, where Quarkus would log an ERROR.
     */
    private void afterFault(RoutingContext rc) {
        if (rc.get(FAULT) == null && ClientFaults.of(rc.failure()) == null) {
            rc.next();
            return;
        }
        LOG.debugf("%s %s: failed after a client fault: %s", rc.request().method(), rc.normalizedPath(),
                String.valueOf(rc.failure()));
        if (!rc.response().headWritten() && !rc.response().closed()) {
            refuse(rc.response(), 400, "invalid_request_error", "malformed_request",
                    "The client closed the connection or broke its framing before the request was read.");
        }
    }

    void onStart(@Observes StartupEvent ev) {
        vertx.setPeriodic(1000, t -> sweep(System.nanoTime()));
    }

    private void guard(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        // The connection's handler hears of broken framing before Vert.x closes the connection, while an answer can
        // still go out; set per request, it answers the request being read now.
        if (request.connection() != null) {
            request.connection().exceptionHandler(t -> fault(rc, t));
        }
        if (!request.isEnded() && hasBody(request)) {
            Pending p = new Pending(request, System.nanoTime());
            pending.add(p);
            rc.addEndHandler(v -> pending.remove(p));
        }
        rc.next();
    }

    /** Whether a body follows the head: a Content-Length above 0, or chunks. */
    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || (length != null && !length.equals("0"));
    }

    /** A failure while the request was being read: the caller's, answered if it can be; else left to the routes. */
    private void fault(RoutingContext rc, Throwable t) {
        ClientFaults kind = ClientFaults.of(t);
        if (kind == null) {
            return;
        }
        rc.put(FAULT, kind);
        String id = ClientFaults.id(rc.request().connection());
        ConnectionMdc.debugf(LOG, id, "%s %s from %s: %s (%s)", rc.request().method(), rc.normalizedPath(), id,
                kind == ClientFaults.ABORTED ? "client went away" : "broken framing", t.toString());
        if (kind == ClientFaults.MALFORMED) {
            refuse(rc.response(), 400, "invalid_request_error", "malformed_request", ClientFaults.message(t));
            ClientFaults.flush(rc.request().connection());
        }
    }

    /** Bodies past their deadline get 408 and lose their connection. */
    void sweep(long now) {
        long timeout = config.http().bodyTimeout().toNanos();
        int rate = Math.max(1, config.http().bodyMinRate());
        for (Pending p : pending) {
            HttpServerRequest r = p.request();
            if (r.isEnded()) {
                pending.remove(p);
                continue;
            }
            long allowed = timeout + r.bytesRead() * 1_000_000_000L / rate;
            if (now - p.startedAt() > allowed) {
                pending.remove(p);
                String id = ClientFaults.id(r.connection());
                ConnectionMdc.debugf(LOG, id, "%s %s from %s: body not received in time (%d bytes), closing",
                        r.method(), r.path(), id, r.bytesRead());
                refuse(r.response(), 408, "invalid_request_error", "request_timeout", "The request body did not "
                        + "arrive in time: allow " + config.http().bodyTimeout().toSeconds() + " s plus one second per "
                        + rate + " bytes (gateway.http.body-timeout, gateway.http.body-min-rate).");
                r.connection().close();
            }
        }
    }

    /** Answers with OpenAI's error shape and closes the connection after it, if nothing was answered yet. */
    static void refuse(HttpServerResponse response, int status, String type, String code, String message) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        JsonObject error = new JsonObject().put("message", message).put("type", type).putNull("param")
                .put("code", code);
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(new JsonObject().put("error", error).encode());
    }
}
