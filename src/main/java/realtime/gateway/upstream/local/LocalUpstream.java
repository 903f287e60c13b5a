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
import realtime.gateway.vad.SpeechModel;
import realtime.gateway.vad.SpeechModels;

/**
 * The offline provider: each session gets a {@link LocalSession} on the shared {@link LocalEngine} (Vosk,
 * US English) with the best voice activity detector this process can run (Silero, or an energy level).
 */
@ApplicationScoped
@Identifier(UpstreamSelector.LOCAL)
@UnlessBuildProperty(name = "quarkus.native.enabled", stringValue = "true", enableIfMissing = true)
public class LocalUpstream implements UpstreamProvider {

    /** The one language the model knows. */
    static final String LANGUAGE = "en";

    private final LocalEngine engine;
    private volatile SpeechModel vad;
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
        LocalSession s = new LocalSession(engine, vad, codec, new SerialExecutor(sessions), listener);
        s.open();
        return Uni.createFrom().item(s);
    }

    /** Any PCM16 rate: the session converts it once, on the way in, to the recognizer's 24 kHz. */
    @Override
    public boolean acceptsPcmRate(int rate) {
        return rate >= 8000 && rate <= 48000;
    }

    @Override
    public boolean configured() {
        return engine.ready() && vad != null;
    }

    /** The local engine is English only: any other language is refused with this. */
    static String englishOnly(String language) {
        return "The local engine transcribes English only; '" + language + "' is not available. Set language to \"en\" "
                + "or leave it out, or use the openai provider for other languages.";
    }

    @Override
    public java.util.Optional<String> refuseLanguage(String language) {
        return language == null || language.isEmpty() || LANGUAGE.equals(language) ? java.util.Optional.empty()
                : java.util.Optional.of(englishOnly(language));
    }

    @Override
    public String notReadyReason() {
        if (engine.failure() != null) {
            return "local engine failed to load: " + engine.failure();
        }
        return configured() ? null : "local engine loading its model and recognizers";
    }

    @Override
    public void warmUp() {
        engine.start(); // in the background: the VAD model loads meanwhile
        vad = SpeechModels.best();
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
