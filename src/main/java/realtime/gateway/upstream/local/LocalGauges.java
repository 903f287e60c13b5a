package realtime.gateway.upstream.local;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.properties.UnlessBuildProperty;
import io.quarkus.runtime.StartupEvent;
import realtime.gateway.metrics.GatewayMetrics;
import realtime.gateway.upstream.UpstreamProvider;
import realtime.gateway.upstream.UpstreamSelector;

/** Registers the local engine's pool gauges, when the local engine is the provider in use. */
@ApplicationScoped
@UnlessBuildProperty(name = "quarkus.native.enabled", stringValue = "true", enableIfMissing = true)
public class LocalGauges {

    void register(@Observes StartupEvent ev, UpstreamProvider provider, GatewayMetrics metrics, LocalEngine engine) {
        if (!UpstreamSelector.LOCAL.equals(provider.name())) {
            return;
        }
        metrics.gauge("gateway.local.recognizers", "Recognizers in the local engine's pool now", engine::size);
        metrics.gauge("gateway.local.recognizers.busy", "Recognizers decoding a turn now", engine::busy);
    }
}
