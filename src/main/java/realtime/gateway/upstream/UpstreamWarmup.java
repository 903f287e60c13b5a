package realtime.gateway.upstream;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

/**
 * Warms the selected provider at start, so the first session does not pay for it. First of the start
 * observers: a provider that loads in the background (the local engine's model) then overlaps the store's
 * migrations and the rest of the start.
 */
@ApplicationScoped
public class UpstreamWarmup {

    void onStart(@Observes @Priority(1) StartupEvent ev, UpstreamProvider provider) {
        provider.warmUp();
    }
}
