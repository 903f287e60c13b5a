package realtime.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.upstream.UpstreamProvider;

/** DOWN when the upstream provider lacks its key, or when the registry is full. */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    private final UpstreamProvider provider;
    private final SessionRegistry registry;
    private final GatewayConfig config;

    public GatewayReadiness(UpstreamProvider provider, SessionRegistry registry, GatewayConfig config) {
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
        var response = HealthCheckResponse.named("gateway")
                .status(configured && room && !stopping)
                .withData("provider", provider.name())
                .withData("provider_configured", configured)
                .withData("open_sessions", open)
                .withData("max_sessions", config.sessions().max());
        if (stopping) {
            response.withData("reason", "shutting down: open sessions are finishing, new ones go elsewhere");
        } else if (!configured) {
            response.withData("reason", provider.notReadyReason());
        } else if (!room) {
            response.withData("reason", "session limit reached (gateway.sessions.max)");
        }
        return response.build();
    }
}
