package realtime.gateway.api;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Authenticator;
import realtime.gateway.auth.Caller;
import realtime.gateway.auth.ScopedToken;
import realtime.gateway.auth.TokenRole;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.edge.AddressLimits;
import realtime.gateway.metrics.GatewayMetrics;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.store.Store;
import realtime.gateway.edge.Throttled;

/**
 * The one gate in front of every path but {@code /q/health/*}, the captions page ({@code /captions/}, static files
 * that hold no data), the API descriptions ({@code /q/openapi},
 * {@code /asyncapi.yaml}) (and
 * {@code /q/metrics} unless {@code gateway.metrics.auth}): REST, SSE and every WebSocket upgrade pass
 * here before any route, so an endpoint cannot be added without it. It answers CORS, establishes the
 * {@link Caller} (401 without a valid credential) and decides session access from the path alone:
 * <ul>
 * <li>{@code /v1/sessions/{id}/…}: a {@code client} key only for sessions it created, else 404 (never 403, so
 * ids cannot be probed); an {@code admin} key for all; a token only for its own session and the paths of
 * its role, else 401.</li>
 * <li>{@code /v1/realtime}: a key or the session's client secret.</li>
 * <li>everything else: a key.</li>
 * </ul>
 * The caller is left in the routing context for the resources ({@link #caller(RoutingContext)}).
 */
@ApplicationScoped
public class AccessFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class);
    static final String CALLER = Caller.CONTEXT_KEY;
    static final String SESSIONS = "/v1/sessions/";

    private final Authenticator auth;
    private final SessionRegistry registry;
    private final Store store;
    private final GatewayMetrics metrics;
    private final AddressLimits limits;
    private final boolean metricsOpen;
    private final List<String> origins;
    private final ObjectMapper mapper = RealtimeCodec.newMapper();

    public AccessFilter(Authenticator auth, SessionRegistry registry, GatewayConfig config, GatewayMetrics metrics,
            Store store, AddressLimits limits) {
        this.auth = auth;
        this.limits = limits;
        this.store = store;
        this.registry = registry;
        this.metrics = metrics;
        this.metricsOpen = !config.metrics().auth();
        this.origins = config.http().corsOrigins().orElse(List.of()).stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    void register(@Observes Router router) {
        // Before every application route (the events socket is at -1000) and before Quarkus' own filters.
        router.route().order(-10_000).handler(this::handle);
    }

    /** The management port (health, metrics) passes the same gate: health open, metrics per gateway.metrics.auth. */
    void registerManagement(@Observes io.quarkus.vertx.http.ManagementInterface management) {
        management.router().route().order(-10_000).handler(rc -> {
            // Quarkus answers any Origin on this port with "Access-Control-Allow-Origin: *"; a web page has no
            // business reading health or metrics, so the port follows gateway.http.cors-origins like the API.
            rc.addHeadersEndHandler(v -> {
                if (!origins.contains("*")) {
                    String origin = rc.request().getHeader("Origin");
                    if (origin == null || !origins.contains(origin)) {
                        rc.response().headers().remove("Access-Control-Allow-Origin");
                    }
                }
            });
            handle(rc);
        });
    }

    /** The caller the filter established for this request. */
    public static Caller caller(RoutingContext rc) {
        Caller c = rc.get(CALLER);
        if (c == null) {
            throw new IllegalStateException("no caller: the access filter did not run for " + rc.normalizedPath());
        }
        return c;
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String path = rc.normalizedPath();
        if (cors(rc)) {
            return;
        }
        if ((CaptionsPage.isPage(path) && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD))
                || path.equals("/q/health") || path.startsWith("/q/health/")
                || path.equals("/q/openapi") || path.startsWith("/q/openapi.") || path.equals("/asyncapi.yaml")
                || (metricsOpen && (path.equals("/q/metrics") || path.startsWith("/q/metrics/")))) {
            rc.next();
            return;
        }
        Optional<Caller> found = auth.authenticate(req);
        if (found.isEmpty()) {
            LOG.debugf("%s %s: 401 (%s)", req.method(), path,
                    Authenticator.presentsCredential(req) ? "invalid credential" : "no credential");
            refuse(rc, 401, null);
            // Nothing more to say to a caller without a credential: the connection closes after the answer.
            rc.response().putHeader("Connection", "close");
            unauthorized(rc, Authenticator.presentsCredential(req)
                    ? "The credential is not valid: the key is unknown, or the token or client secret is unknown, "
                            + "expired or revoked."
                    : "This path needs a credential: send 'Authorization: Bearer <gateway API key>' (or a session "
                            + "token as ?token=<token> or the WebSocket subprotocol 'gateway-token.<token>').");
            return;
        }
        Caller caller = found.get();
        String denied = null;
        if (path.startsWith(SESSIONS) && path.length() > SESSIONS.length()) {
            int slash = path.indexOf('/', SESSIONS.length());
            String id = slash < 0 ? path.substring(SESSIONS.length()) : path.substring(SESSIONS.length(), slash);
            String rest = slash < 0 ? "" : path.substring(slash + 1);
            String op = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            if (caller instanceof Caller.Key k) {
                Optional<GatewaySession> s = registry.get(id);
                if (s.isEmpty() && store.persistent()) {
                    // Not in memory: a session of before a restart, or past the in-memory retention, may be stored.
                    req.pause();
                    store.owner(id).whenComplete((owner, err) -> {
                        req.resume();
                        if (err != null) {
                            Throttled.warn(LOG, "store unreadable", req.method() + " " + path + ": the store could not be read: "
                                    + err.getMessage());
                            write(rc, new ApiException(503, "server_error", "store_unavailable", "The session store "
                                    + "could not be read; retry shortly.", null, 1));
                        } else {
                            ownedOr404(rc, k, id, owner.orElse(null), caller);
                        }
                    });
                    return;
                }
                ownedOr404(rc, k, id, s.map(GatewaySession::owner).orElse(null), caller);
                return;
            } else if (caller instanceof Caller.Token t) {
                denied = tokenAllows(t.token(), id, req.method(), op, rest) ? null
                        : "This token is valid only for its own session, as a " + t.token().role().wire() + ": "
                                + (t.token().role() == TokenRole.SUBSCRIBER
                                        ? "GET /v1/sessions/{id}, /events and /transcript."
                                        : "GET /v1/sessions/{id}, the /audio socket, POST /audio, /commit and /clear.");
            } else {
                denied = "A client secret opens /v1/realtime only; use an API key or a session token here.";
            }
        } else if (path.equals("/v1/realtime")) {
            if (caller instanceof Caller.Token) {
                denied = "/v1/realtime takes an API key or a session's client secret, not a session token.";
            }
        } else if (!(caller instanceof Caller.Key)) {
            denied = "This path needs an API key ('Authorization: Bearer <gateway API key>'); session tokens and "
                    + "client secrets are valid only on their session's paths.";
        }
        if (denied != null) {
            LOG.debugf("%s %s: 401 for %s (outside its scope)", req.method(), path, caller.describe());
            refuse(rc, 401, keyName(caller));
            unauthorized(rc, denied);
            return;
        }
        admit(rc, caller);
    }

    /** An API key's request for a session: admitted when the key owns it (or is an admin), else 404. */
    private void ownedOr404(RoutingContext rc, Caller.Key k, String id, String owner, Caller caller) {
        if (owner == null || !(k.key().admin() || owner.equals(k.key().name()))) {
            LOG.debugf("%s %s: 404 for %s (%s)", rc.request().method(), rc.normalizedPath(), caller.describe(),
                    owner == null ? "no such session" : "another key's session");
            refuse(rc, 404, k.key().name());
            write(rc, ApiException.notFound(SessionResource.notFoundMessage(id)));
            return;
        }
        admit(rc, caller);
    }

    private void admit(RoutingContext rc, Caller caller) {
        if (AddressLimits.stream(rc.request(), rc.normalizedPath()) && !limits.admit(rc)) {
            LOG.debugf("%s %s: 429, %d streams open from this address", rc.request().method(), rc.normalizedPath(),
                    limits.max());
            refuse(rc, 429, keyName(caller));
            rc.response().putHeader("Retry-After", "1");
            write(rc, new ApiException(429, "rate_limit_error", "too_many_connections", "This address has "
                    + limits.max() + " WebSockets and event streams open, the limit "
                    + "(gateway.http.max-streams-per-address); close one first.", null, 1));
            return;
        }
        rc.put(CALLER, caller);
        // Every line logged while serving this request names the credential (its name, never its value). Quarkus
        // keeps the MDC on the request's own Vert.x context, so it ends with the request.
        org.jboss.logging.MDC.put("key_name", keyName(caller));
        // Quota refusals (429) come from wherever the quota is checked: counted here, for the key, once.
        rc.addHeadersEndHandler(v -> {
            if (rc.response().getStatusCode() == 429) {
                metrics.refused(429, keyName(caller));
            }
        });
        rc.next();
    }

    /** A bounded name for metrics: the key's name (never its value), or the kind of credential. */
    private static String keyName(Caller caller) {
        if (caller instanceof Caller.Key k) {
            return k.key().name();
        }
        return caller instanceof Caller.Token ? "session_token" : "client_secret";
    }

    /** The paths a token opens, relative to its session. */
    static boolean tokenAllows(ScopedToken token, String sessionId, HttpMethod method, String op, String rest) {
        if (!token.sessionId().equals(sessionId) || !rest.equals(op)) {
            return false;
        }
        boolean get = method == HttpMethod.GET;
        if (op.isEmpty()) {
            return get;
        }
        return switch (token.role()) {
            case SUBSCRIBER -> get && (op.equals("events") || op.equals("transcript"));
            case PRODUCER -> op.equals("audio") ? get || method == HttpMethod.POST
                    : method == HttpMethod.POST && (op.equals("commit") || op.equals("clear"));
        };
    }

    /** Adds CORS headers for allowed origins; answers preflights. True when the request was answered. */
    private boolean cors(RoutingContext rc) {
        String origin = rc.request().getHeader("Origin");
        if (origin == null) {
            return false;
        }
        boolean allowed = origins.contains("*") || origins.contains(origin);
        boolean preflight = rc.request().method() == HttpMethod.OPTIONS
                && rc.request().getHeader("Access-Control-Request-Method") != null;
        if (allowed) {
            rc.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
            if (preflight) {
                rc.response().putHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
                        .putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type")
                        .putHeader("Access-Control-Max-Age", "600").setStatusCode(204).end();
                return true;
            }
            rc.response().putHeader("Access-Control-Expose-Headers", "Retry-After");
            return false;
        }
        if (preflight) {
            rc.response().setStatusCode(403).end();
            return true;
        }
        return false;
    }

    /** The paths under a session, as templates; anything else there is {@code {unknown}}. */
    private static final java.util.Set<String> SESSION_OPS = java.util.Set.of("", "events", "audio", "transcript",
            "commit", "clear", "tokens");
    private static final java.util.Set<String> TOP_LEVEL = java.util.Set.of("/v1/sessions", "/v1/realtime",
            "/v1/realtime/transcription_sessions", "/v1/realtime/client_secrets", "/v1/usage", "/v1/models");

    /**
     * A refused request's path as the HTTP metrics should tag it: a template, never a session id or whatever a
     * scanner tried (unbounded tag values). Requests that pass are tagged by their route's own template.
     */
    static String template(String path) {
        if (path.startsWith(SESSIONS) && path.length() > SESSIONS.length()) {
            String rest = path.substring(SESSIONS.length());
            int slash = rest.indexOf('/');
            String op = slash < 0 ? "" : rest.substring(slash + 1);
            if (op.startsWith("tokens/") && op.indexOf('/', 7) < 0) {
                return SESSIONS + "{id}/tokens/{tokenId}";
            }
            return SESSIONS + "{id}" + (op.isEmpty() ? "" : "/" + (SESSION_OPS.contains(op) ? op : "{unknown}"));
        }
        return TOP_LEVEL.contains(path) ? path : "/{unknown}";
    }

    private void refuse(RoutingContext rc, int status, String keyName) {
        metrics.refused(status, keyName);
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        if (ctx != null) {
            ctx.putLocal("UrlPathTemplate", template(rc.normalizedPath())); // read by Quarkus' HTTP metrics
        }
    }

    private void unauthorized(RoutingContext rc, String message) {
        rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"realtime-gateway\"");
        write(rc, new ApiException(401, ApiException.INVALID_REQUEST, "invalid_api_key", message, null, null));
    }

    private void write(RoutingContext rc, ApiException e) {
        String body;
        try {
            body = mapper.writeValueAsString(new ApiError(new ApiError.Body(e.getMessage(), e.type(), e.param(), e.code())));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        rc.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json").end(body);
    }
}
