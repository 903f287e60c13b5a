package realtime.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import realtime.gateway.session.SessionRegistry;

/** UP while the process serves requests; reports the session count, never the upstream. */
@Liveness
@ApplicationScoped
public class GatewayLiveness implements HealthCheck {

    private final SessionRegistry registry;

    public GatewayLiveness(SessionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("gateway").up().withData("sessions", registry.all().size()).build();
    }
}
