package realtime.gateway.ws;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import realtime.gateway.session.SessionRegistry;

/**
 * Authenticates {@code /v1/realtime}: a gateway client secret as {@code Authorization: Bearer <secret>}
 * or, for browsers, as the subprotocol {@code openai-insecure-api-key.<secret>}. Missing, unknown and
 * expired secrets are refused with 401 before the upgrade; a good one binds the connection to its session.
 */
@ApplicationScoped
public class RealtimeUpgradeCheck implements HttpUpgradeCheck {

    static final String SUBPROTOCOL_KEY_PREFIX = "openai-insecure-api-key.";

    private final SessionRegistry registry;

    public RealtimeUpgradeCheck(SessionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return RealtimeSocket.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String secret = secretOf(context.httpRequest());
        return registry.bySecret(secret, false)
                .map(s -> {
                    context.userData().put(Keys.SESSION, s.id());
                    return CheckResult.permitUpgrade();
                })
                .orElseGet(() -> CheckResult.rejectUpgrade(401));
    }

    /** The secret from the Authorization header, else from the subprotocol list; {@code null} if neither. */
    static String secretOf(HttpServerRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        return secretFromProtocols(request.headers().getAll("Sec-WebSocket-Protocol"));
    }

    static String secretFromProtocols(List<String> headers) {
        for (String header : headers) {
            for (String p : header.split(",")) {
                String proto = p.strip();
                if (proto.startsWith(SUBPROTOCOL_KEY_PREFIX)) {
                    return proto.substring(SUBPROTOCOL_KEY_PREFIX.length());
                }
            }
        }
        return null;
    }
}
