package realtime.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import realtime.gateway.upstream.UpstreamProvider;

/**
 * {@code /q/health/started}: UP once the upstream can be used at all (the local engine has loaded its model
 * and recognizers; the OpenAI provider has its key). Kubernetes' startup probe waits for it before the
 * liveness and readiness probes begin, so a slow first start (the model extraction) is not a restart loop.
 */
@Startup
@ApplicationScoped
public class GatewayStartup implements HealthCheck {

    private final UpstreamProvider provider;

    public GatewayStartup(UpstreamProvider provider) {
        this.provider = provider;
    }

    @Override
    public HealthCheckResponse call() {
        boolean ok = provider.configured();
        var r = HealthCheckResponse.named("upstream").status(ok).withData("provider", provider.name());
        if (!ok) {
            r.withData("reason", provider.notReadyReason());
        }
        return r.build();
    }
}
