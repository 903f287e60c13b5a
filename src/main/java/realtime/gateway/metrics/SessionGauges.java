package realtime.gateway.metrics;

import java.util.EnumSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.SessionState;

/** Registers {@code gateway.sessions.open{state,upstream}}: counted from the registry when scraped. */
@ApplicationScoped
public class SessionGauges {

    void register(@Observes StartupEvent ev, GatewayMetrics metrics, SessionRegistry registry) {
        metrics.sessionGauges(EnumSet.of(SessionState.CONNECTING, SessionState.ACTIVE, SessionState.RECONNECTING,
                SessionState.CLOSING), registry.providerName(), registry::count);
    }
}
