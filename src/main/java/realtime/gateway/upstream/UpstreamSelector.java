package realtime.gateway.upstream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;
import realtime.gateway.config.GatewayConfig;

/**
 * Chooses the one {@link UpstreamProvider} sessions use: {@code gateway.upstream.provider}, or by default
 * {@code openai} when an API key is set and {@code local} otherwise. Providers are looked up by name, so a
 * build without the local engine (native) does not reference it.
 */
@ApplicationScoped
public class UpstreamSelector {

    /** Name of the offline engine provider. */
    public static final String LOCAL = "local";

    private static final Logger LOG = Logger.getLogger(UpstreamSelector.class);

    @Produces
    @ApplicationScoped
    UpstreamProvider provider(GatewayConfig config, @Any Instance<UpstreamProvider> providers) {
        boolean hasKey = config.upstream().apiKey().filter(k -> !k.isBlank()).isPresent();
        String wanted = config.upstream().provider().orElse(hasKey ? OpenAiUpstream.NAME : LOCAL);
        Instance<UpstreamProvider> chosen = providers.select(Identifier.Literal.of(wanted));
        if (chosen.isResolvable()) {
            LOG.infof("upstream provider: %s", wanted);
            return chosen.get();
        }
        if (config.upstream().provider().isPresent()) {
            throw new IllegalStateException("gateway.upstream.provider=" + wanted + " is not available in this build"
                    + " (the local engine is not part of native builds); use openai or the JVM build");
        }
        LOG.warnf("no OPENAI_API_KEY and no local engine in this build: using the openai provider, which stays "
                + "unready until a key is set");
        return providers.select(Identifier.Literal.of(OpenAiUpstream.NAME)).get();
    }
}
