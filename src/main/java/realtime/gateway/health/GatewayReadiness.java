package realtime.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * DOWN when the upstream provider lacks its key, when its connects keep failing (until
 * {@code gateway.upstream.health.retry-after} has passed), when the registry is full, or while shutting down.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    private final UpstreamProvider provider;
    private final SessionRegistry registry;
    private final GatewayConfig config;
    private final realtime.gateway.store.Store store;

    public GatewayReadiness(UpstreamProvider provider, SessionRegistry registry, GatewayConfig config,
            realtime.gateway.store.Store store) {
        this.store = store;
        this.provider = provider;
        this.registry = registry;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        int open = registry.openCount();
        boolean configured = provider.configured();
        boolean room = open < config.sessions().max();
        boolean stopping = registry.shuttingDown();
        var health = registry.upstreamHealth();
        var response = HealthCheckResponse.named("gateway")
                .status(configured && room && !stopping && health.usable())
                .withData("provider", provider.name())
                .withData("provider_configured", configured)
                .withData("upstream_usable", health.usable())
                .withData("upstream_consecutive_failures", health.consecutiveFailures())
                .withData("upstream_connects", health.connects())
                .withData("upstream_connect_failures", health.failures())
                .withData("open_sessions", open)
                .withData("max_sessions", config.sessions().max());
        if (stopping) {
            response.withData("reason", "shutting down: open sessions are finishing, new ones go elsewhere");
        } else if (!configured) {
            response.withData("reason", provider.notReadyReason());
        } else if (!health.usable()) {
            response.withData("reason", "the upstream refused or failed the last " + health.consecutiveFailures()
                    + " connects (gateway.upstream.health.failures); last error: " + health.lastError());
        } else if (!room) {
            response.withData("reason", "session limit reached (gateway.sessions.max)");
        }
        // The store does not decide readiness: live sessions go on without it and its writes are retried.
        response.withData("store", store.kind().wire());
        if (store.failing() != null) {
            response.withData("store_failing", store.failing());
        }
        if (health.lastError() != null) {
            response.withData("upstream_last_error", health.lastError());
        }
        return response.build();
    }
}
