package realtime.gateway.upstream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

/** Warms the selected provider at start, so the first session does not pay for it. */
@ApplicationScoped
public class UpstreamWarmup {

    void onStart(@Observes StartupEvent ev, UpstreamProvider provider) {
        provider.warmUp();
    }
}
