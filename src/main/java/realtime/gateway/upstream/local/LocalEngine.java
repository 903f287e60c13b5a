package realtime.gateway.upstream.local;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import edu.cmu.sphinx.api.AbstractSpeechRecognizer;
import edu.cmu.sphinx.api.Configuration;
import edu.cmu.sphinx.api.Context;
import edu.cmu.sphinx.frontend.feature.LiveCMN;
import edu.cmu.sphinx.recognizer.Recognizer;
import edu.cmu.sphinx.result.Result;
import io.quarkus.arc.properties.UnlessBuildProperty;
import realtime.gateway.config.GatewayConfig;

/**
 * A bounded pool of Sphinx4 recognizers, one worker thread each. The model is loaded once per
 * recognizer at start (in the background) and every recognizer is warmed on a speech clip. Jobs (one per
 * turn) wait in one FIFO queue, so sessions are served in the order their turns end and a long session
 * cannot hold the pool for more than one turn at a time. Recognition never runs on an event loop.
 */
@ApplicationScoped
@UnlessBuildProperty(name = "quarkus.native.enabled", stringValue = "true", enableIfMissing = true)
public class LocalEngine {

    /** Input rate of the acoustic model. */
    public static final int RATE = 16000;

    private static final Logger LOG = Logger.getLogger(LocalEngine.class);

    private final GatewayConfig.Local config;
    private final int size;
    private final ThreadPoolExecutor workers;
    private final BlockingQueue<Decoder> idle;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger loaded = new AtomicInteger();
    private volatile String failure;

    /** One loaded recognizer and the context its input is set through. */
    private static final class Decoder extends AbstractSpeechRecognizer {
        Decoder(Context context) throws IOException {
            super(context);
        }

        Recognizer recognizer() {
            return recognizer;
        }

        /**
         * Feeds one turn. Live cepstral mean normalisation is restarted first, so each turn is normalised on
         * its own opening frames and the result does not depend on what this recognizer heard before.
         */
        void input(InputStream in) {
            try {
                Field initial = LiveCMN.class.getDeclaredField("initialList");
                initial.setAccessible(true);
                initial.set(context.getInstance(LiveCMN.class), null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot restart cepstral mean normalisation", e);
            }
            context.setSpeechSource(in);
        }
    }

    public LocalEngine(GatewayConfig config) {
        this.config = config.local();
        this.size = Math.max(1, this.config.poolSize().orElse(Runtime.getRuntime().availableProcessors()));
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "local-asr-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.idle = new ArrayBlockingQueue<>(size);
    }

    /** Starts loading the recognizers in the background; later calls do nothing. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        // Sphinx reads decoder settings from its global properties, which system properties override.
        System.setProperty("absoluteBeamWidth", Integer.toString(config.absoluteBeamWidth()));
        System.setProperty("relativeBeamWidth", Double.toString(config.relativeBeamWidth()));
        System.setProperty("absoluteWordBeamWidth", Integer.toString(config.wordBeamWidth()));
        System.setProperty("logLevel", "SEVERE");
        LOG.infof("local engine: loading %d recognizer(s)", size);
        for (int i = 0; i < size; i++) {
            workers.execute(this::load);
        }
    }

    private void load() {
        long t0 = System.nanoTime();
        try {
            Configuration c = new Configuration();
            c.setAcousticModelPath("resource:/edu/cmu/sphinx/models/en-us/en-us");
            c.setDictionaryPath("resource:/edu/cmu/sphinx/models/en-us/cmudict-en-us.dict");
            c.setLanguageModelPath("resource:/edu/cmu/sphinx/models/en-us/en-us.lm.bin");
            Decoder d = new Decoder(new Context(c));
            d.recognizer().allocate();
            try (InputStream warm = LocalEngine.class.getResourceAsStream("/local-engine/warmup-16k.raw")) {
                decode(d, warm.readAllBytes(), s -> {
                });
            }
            idle.add(d);
            int now = loaded.incrementAndGet();
            LOG.infof("local engine: recognizer %d/%d ready in %d ms", now, size, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
            LOG.error("local engine: a recognizer failed to load", e);
        }
    }

    /** True once every recognizer is loaded and warm. */
    public boolean ready() {
        return loaded.get() == size;
    }

    public int size() {
        return size;
    }

    /** Why loading failed, if it did. */
    public String failure() {
        return failure;
    }

    /**
     * Transcribes one turn of 16 kHz PCM16 little-endian audio. {@code onSegment} gets each recognised
     * segment as the decoder finishes it (on a worker thread); the future completes with the whole text.
     */
    public CompletableFuture<String> transcribe(byte[] pcm16k, Consumer<String> onSegment) {
        CompletableFuture<String> done = new CompletableFuture<>();
        workers.execute(() -> {
            Decoder d = null;
            try {
                d = idle.take();
                done.complete(decode(d, pcm16k, onSegment));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(e);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            } finally {
                if (d != null) {
                    idle.add(d);
                }
            }
        });
        return done;
    }

    private static String decode(Decoder d, byte[] pcm16k, Consumer<String> onSegment) {
        d.input(new ByteArrayInputStream(pcm16k));
        StringBuilder text = new StringBuilder();
        Result result;
        while ((result = d.recognizer().recognize()) != null) {
            // Result, not SpeechResult: the latter throws when decoding ends with no final token.
            String segment = result.getBestResultNoFiller();
            if (segment != null && !segment.isBlank()) {
                String s = segment.strip();
                onSegment.accept(text.length() == 0 ? s : " " + s);
                text.append(text.length() == 0 ? "" : " ").append(s);
            }
        }
        return text.toString();
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
