package realtime.gateway.ws;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import realtime.gateway.auth.Accounts;
import realtime.gateway.auth.Authenticator;
import realtime.gateway.auth.Caller;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.edge.AddressLimits;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.TranscriptionConfig;

/**
 * Binds a {@code /v1/realtime} connection to its session. With a session's client secret
 * ({@code Authorization: Bearer <secret>} or, for browsers, the subprotocol
 * {@code openai-insecure-api-key.<secret>}) the connection joins that session. With a gateway API key a
 * new transcription session is created for the key, as OpenAI does for a standard key; it lives as long
 * as the connection and is configured with {@code session.update}. Quota refusals are 429 with
 * {@code Retry-After}; the access filter has already refused missing and invalid credentials with 401.
 */
@ApplicationScoped
public class RealtimeUpgradeCheck implements HttpUpgradeCheck {

    private final Authenticator auth;
    private final Accounts accounts;
    private final GatewayConfig config;
    private final AddressLimits limits;

    public RealtimeUpgradeCheck(Authenticator auth, Accounts accounts, GatewayConfig config, AddressLimits limits) {
        this.limits = limits;
        this.auth = auth;
        this.accounts = accounts;
        this.config = config;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return RealtimeSocket.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        // The per-address stream count the access filter took: the socket releases it when it closes (a refused
        // upgrade's response releases it when it ends).
        context.userData().put(Keys.LEASE, limits.take(context.httpRequest()));
        context.userData().put(Keys.HTTP_CONNECTION, context.httpRequest().connection());
        Caller caller = auth.authenticate(context.httpRequest()).orElse(null);
        if (caller instanceof Caller.ClientSecret c) {
            context.userData().put(Keys.SESSION, c.sessionId());
            return CheckResult.permitUpgrade();
        }
        if (caller instanceof Caller.Key k) {
            try {
                return Uni.createFrom().completionStage(accounts.createSession(k.key(),
                        TranscriptionConfig.defaults(config.upstream().defaultTranscriptionModel()),
                        config.sessions().clientSecretTtl())).map(created -> {
                            context.userData().put(Keys.SESSION, created.session().id());
                            context.userData().put(Keys.CREATED_ON_CONNECT, true);
                            return CheckResult.permitUpgradeSync();
                        }).onFailure(Refusal.Rejected.class).recoverWithUni(e -> refused(((Refusal.Rejected) e).refusal()));
            } catch (Refusal.Rejected e) {
                return refused(e.refusal());
            }
        }
        return CheckResult.rejectUpgrade(401);
    }

    /** The one mapping of a refusal to an upgrade status: quotas and a full gateway are 429 with Retry-After. */
    static Uni<CheckResult> refused(Refusal refusal) {
        if (refusal instanceof Refusal.QuotaExceeded q) {
            return CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of(Long.toString(q.retryAfterSeconds())),
                    "X-Gateway-Limit", List.of(q.limit())));
        }
        if (refusal instanceof Refusal.GatewayFull) {
            return CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of("1"),
                    "X-Gateway-Limit", List.of("gateway.sessions.max")));
        }
        if (refusal instanceof Refusal.ShuttingDown) {
            return CheckResult.rejectUpgrade(503, Map.of("Retry-After", List.of("5")));
        }
        if (refusal instanceof Refusal.UpstreamUnavailable) {
            return CheckResult.rejectUpgrade(502);
        }
        return CheckResult.rejectUpgrade(refusal instanceof Refusal.SessionClosed ? 409 : 400);
    }
}
