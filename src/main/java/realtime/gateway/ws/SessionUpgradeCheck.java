package realtime.gateway.ws;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import realtime.gateway.session.SessionRegistry;

/**
 * Refuses an upgrade to {@code /v1/sessions/{id}/audio} for an unknown session with 404, and to an ended
 * session with 409, before the handshake completes. ({@link EventsRoute} does the same for subscribers.)
 */
@ApplicationScoped
public class SessionUpgradeCheck implements HttpUpgradeCheck {

    private final SessionRegistry registry;

    public SessionUpgradeCheck(SessionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return AudioSocket.ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return registry.get(context.pathParam("id"))
                .map(s -> s.state().terminal() ? CheckResult.rejectUpgrade(409) : CheckResult.permitUpgrade())
                .orElseGet(() -> CheckResult.rejectUpgrade(404));
    }
}
