package realtime.gateway.upstream.local;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.properties.UnlessBuildProperty;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;
import realtime.gateway.upstream.UpstreamSelector;

/** The offline provider: each session gets a {@link LocalSession} on the shared {@link LocalEngine}. */
@ApplicationScoped
@Identifier(UpstreamSelector.LOCAL)
@UnlessBuildProperty(name = "quarkus.native.enabled", stringValue = "true", enableIfMissing = true)
public class LocalUpstream implements UpstreamProvider {

    private final LocalEngine engine;
    private final RealtimeCodec codec = new RealtimeCodec();
    private final ExecutorService sessions = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-session");
        t.setDaemon(true);
        return t;
    });

    public LocalUpstream(LocalEngine engine) {
        this.engine = engine;
    }

    @Override
    public Uni<UpstreamConnection> connect(String sessionId, UpstreamListener listener) {
        LocalSession s = new LocalSession(engine, codec, new SerialExecutor(sessions), listener);
        s.open();
        return Uni.createFrom().item(s);
    }

    /** Any PCM16 rate: the session resamples once, at commit, straight to the recognizer's rate. */
    @Override
    public boolean acceptsPcmRate(int rate) {
        return rate >= 8000 && rate <= 48000;
    }

    @Override
    public boolean configured() {
        return engine.ready();
    }

    @Override
    public String notReadyReason() {
        if (engine.failure() != null) {
            return "local engine failed to load: " + engine.failure();
        }
        return configured() ? null : "local engine loading its recognizers";
    }

    @Override
    public void warmUp() {
        engine.start();
    }

    @Override
    public String name() {
        return UpstreamSelector.LOCAL;
    }

    @PreDestroy
    void stop() {
        sessions.shutdownNow();
    }
}
