package realtime.gateway.auth;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpServerRequest;
import realtime.gateway.event.Hashes;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.event.Ids;
import realtime.gateway.session.SessionRegistry;

/**
 * Establishes the {@link Caller} of a request from its credential. API keys come only from
 * {@code Authorization: Bearer}; scoped tokens also from {@code ?token=} or a WebSocket subprotocol
 * {@code gateway-token.<token>}; client secrets also from {@code openai-insecure-api-key.<secret>}.
 * A presented secret is hashed once; keys are compared against every configured hash in constant time.
 * <p>
 * Secure by default: without {@code gateway.auth.keys} one admin key is generated per start and logged
 * once. {@code gateway.auth.enabled=false} makes every request the anonymous admin, with a warning at start.
 */
@ApplicationScoped
@Startup
public class Authenticator {

    private static final Logger LOG = Logger.getLogger(Authenticator.class);
    public static final String TOKEN_SUBPROTOCOL = "gateway-token.";
    public static final String SECRET_SUBPROTOCOL = "openai-insecure-api-key.";
    static final String ANONYMOUS = "anonymous";

    private final boolean enabled;
    private final List<ApiKey> keys;
    private final Caller anonymous;
    private final SessionRegistry registry;
    private final ScopedTokens tokens;

    public Authenticator(GatewayConfig config, SessionRegistry registry, ScopedTokens tokens) {
        this.registry = registry;
        this.tokens = tokens;
        this.enabled = config.auth().enabled();
        Quota defaults = Quota.of(config.auth().quota());
        this.anonymous = new Caller.Key(new ApiKey(ANONYMOUS, Role.ADMIN, "", defaults));
        String spec = config.auth().keys().orElse("");
        if (!spec.isBlank()) {
            keys = KeySpecs.parse(spec, defaults);
            LOG.infof("auth: %d API keys configured (%s)", keys.size(),
                    String.join(", ", keys.stream().map(k -> k.name() + "/" + k.role().wire()).toList()));
        } else if (enabled) {
            String generated = Ids.random("gk_", 43);
            keys = List.of(new ApiKey("generated-admin", Role.ADMIN, Hashes.sha256(generated), defaults));
            // Printed once, by design: the first run needs a key and there is no other way to hand it over.
            LOG.warnf("auth: no API keys configured (gateway.auth.keys / GATEWAY_AUTH_KEYS), so this run generated "
                    + "one admin key, valid until the process stops:%n%n    Authorization: Bearer %s%n%n"
                    + "Set real keys with GATEWAY_AUTH_KEYS, e.g. name=ops,role=admin,key=<32+ random characters> "
                    + "(see the README, Authentication).", generated);
        } else {
            keys = List.of();
        }
        if (!enabled) {
            LOG.warn("auth: DISABLED (gateway.auth.enabled=false): anyone who can reach this port can create "
                    + "sessions, read every transcript and spend the upstream key. For local development only.");
        }
    }

    /** The configured (or generated) keys. */
    public List<ApiKey> keys() {
        return keys;
    }

    /** The caller of {@code request}, or empty when its credential is missing or not valid. */
    public Optional<Caller> authenticate(HttpServerRequest request) {
        Optional<Caller> c = fromCredential(request);
        return c.isPresent() || enabled ? c : Optional.of(anonymous);
    }

    /** True when the request carries any credential, valid or not. */
    public static boolean presentsCredential(HttpServerRequest request) {
        return bearer(request) != null || request.getParam("token") != null
                || fromSubprotocols(request, TOKEN_SUBPROTOCOL) != null
                || fromSubprotocols(request, SECRET_SUBPROTOCOL) != null;
    }

    private Optional<Caller> fromCredential(HttpServerRequest request) {
        String bearer = bearer(request);
        if (bearer != null) {
            return byBearer(bearer);
        }
        String token = request.getParam("token");
        if (token == null) {
            token = fromSubprotocols(request, TOKEN_SUBPROTOCOL);
        }
        if (token != null) {
            return tokens.byHash(Hashes.sha256(token)).map(Caller.Token::new);
        }
        String secret = fromSubprotocols(request, SECRET_SUBPROTOCOL);
        if (secret != null) {
            String hash = Hashes.sha256(secret);
            Optional<Caller> t = tokens.byHash(hash).map(Caller.Token::new);
            return t.isPresent() ? t : registry.bySecretHash(hash, false).map(s -> new Caller.ClientSecret(s.id()));
        }
        return Optional.empty();
    }

    private Optional<Caller> byBearer(String secret) {
        String hash = Hashes.sha256(secret);
        ApiKey match = null;
        for (ApiKey k : keys) {
            // No early exit: every configured hash is compared, in constant time.
            if (Hashes.same(k.sha256(), hash)) {
                match = k;
            }
        }
        if (match != null) {
            return Optional.of(new Caller.Key(match));
        }
        Optional<Caller> t = tokens.byHash(hash).map(Caller.Token::new);
        return t.isPresent() ? t : registry.bySecretHash(hash, false).map(s -> new Caller.ClientSecret(s.id()));
    }

    static String bearer(HttpServerRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String v = auth.substring(7).strip();
            return v.isEmpty() ? null : v;
        }
        return null;
    }

    static String fromSubprotocols(HttpServerRequest request, String prefix) {
        for (String header : request.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String p : header.split(",")) {
                String proto = p.strip();
                if (proto.startsWith(prefix) && proto.length() > prefix.length()) {
                    return proto.substring(prefix.length());
                }
            }
        }
        return null;
    }
}
