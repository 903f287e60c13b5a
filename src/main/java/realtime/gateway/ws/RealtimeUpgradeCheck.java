package realtime.gateway.ws;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import realtime.gateway.api.TranscriptionConfigs;
import realtime.gateway.auth.Accounts;
import realtime.gateway.auth.Authenticator;
import realtime.gateway.auth.Caller;
import realtime.gateway.session.LimitExceededException;
import realtime.gateway.session.RegistryFullException;
import realtime.gateway.session.SessionRegistry;

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
    private final TranscriptionConfigs configs;

    public RealtimeUpgradeCheck(Authenticator auth, Accounts accounts, TranscriptionConfigs configs) {
        this.auth = auth;
        this.accounts = accounts;
        this.configs = configs;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return RealtimeSocket.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        Caller caller = auth.authenticate(context.httpRequest()).orElse(null);
        if (caller instanceof Caller.ClientSecret c) {
            context.userData().put(Keys.SESSION, c.sessionId());
            return CheckResult.permitUpgrade();
        }
        if (caller instanceof Caller.Key k) {
            try {
                TranscriptionConfigs.Accepted defaults = configs.fromGa("{}");
                SessionRegistry.Created created = accounts.createSession(k.key(), defaults.config(), defaults.secretTtl());
                context.userData().put(Keys.SESSION, created.session().id());
                context.userData().put(Keys.CREATED_ON_CONNECT, true);
                return CheckResult.permitUpgrade();
            } catch (LimitExceededException e) {
                return CheckResult.rejectUpgrade(429,
                        Map.of("Retry-After", List.of(Long.toString(e.retryAfterSeconds())),
                                "X-Gateway-Limit", List.of(e.limit())));
            } catch (RegistryFullException e) {
                return CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of("1"),
                        "X-Gateway-Limit", List.of("gateway.sessions.max")));
            }
        }
        return CheckResult.rejectUpgrade(401);
    }
}
