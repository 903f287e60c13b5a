package realtime.gateway.upstream.local;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

import io.quarkus.arc.properties.UnlessBuildProperty;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Resampler;
import realtime.gateway.config.GatewayConfig;

/**
 * Vosk (Kaldi) speech recognition for the local provider: one {@link Model} per process and a pool of
 * reusable recognizers ({@code gateway.local.pool-size}), each run by a thread of its own, never an event
 * loop. Work comes as jobs on a {@link Turn}: finals first (in the order turns ended, so one long session
 * cannot hold the pool for more than a turn at a time), then partials (at most one waiting per turn). A
 * recognizer that last worked on a turn keeps its state: the turn's next job goes to it when it is free and
 * is fed only the audio since, so one speaker's partials cost what streaming costs; a job on any other
 * recognizer decodes the turn from its start.
 */
@ApplicationScoped
@UnlessBuildProperty(name = "quarkus.native.enabled", stringValue = "true", enableIfMissing = true)
public class LocalEngine {

    /** The rate recognizers take: the sessions' own 24 kHz, so PCM16 input is never resampled. */
    public static final int RATE = Pcm.UPSTREAM_RATE;

    private static final Logger LOG = Logger.getLogger(LocalEngine.class);

    private final GatewayConfig.Local config;
    private final int size;
    private final ExecutorService workers;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger turns = new AtomicInteger();
    private volatile boolean ready;
    private volatile String failure;
    private Model model;
    /** Guarded by this: idle recognizers, and jobs waiting (finals ahead of partials). */
    private final List<Slot> idle = new ArrayList<>();
    private final Deque<Job> finals = new ArrayDeque<>();
    private final Deque<Job> partials = new ArrayDeque<>();

    /** One recognizer and the turn whose audio it holds, if any. */
    static final class Slot {
        final Recognizer recognizer;
        Turn owner;
        int fed;
        final List<Turn.Word> settled = new ArrayList<>();
        long lastUsed;

        Slot(Recognizer recognizer) {
            this.recognizer = recognizer;
        }
    }

    /** A unit of work for one turn. */
    record Job(Turn turn, boolean last) {
    }

    public LocalEngine(GatewayConfig config) {
        this.config = config.local();
        this.size = Math.max(1, this.config.poolSize());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "local-asr-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Extracts the model (first start only), loads it and warms every recognizer, in the background. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Thread loader = new Thread(this::load, "local-asr-load");
        loader.setDaemon(true);
        loader.start();
    }

    private void load() {
        long t0 = System.nanoTime();
        try {
            LibVosk.setLogLevel(LogLevel.WARNINGS);
            java.nio.file.Path dir = new ModelFiles(config.modelDir()).extracted();
            model = new Model(dir.toString());
            short[] warm = warmup();
            List<Slot> slots = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Recognizer r = new Recognizer(model, RATE);
                r.setWords(true);
                // A new recognizer is slow until its graph caches are built: one utterance builds them.
                r.acceptWaveForm(warm, warm.length);
                r.getFinalResult();
                r.reset();
                slots.add(new Slot(r));
            }
            synchronized (this) {
                idle.addAll(slots);
            }
            ready = true;
            LOG.infof("local engine: Vosk model and %d recognizer(s) ready in %d ms", size,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (UnsatisfiedLinkError e) {
            failure = "the local engine needs libvosk, which the Vosk library ships for linux-x86-64, macOS and "
                    + "Windows x86-64 only; this machine is " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + " (use the openai provider here)";
            LOG.warn("local engine: " + failure);
        } catch (IOException | RuntimeException | LinkageError e) {
            failure = e.toString();
            LOG.error("local engine: failed to load", e);
        }
    }

    private static short[] warmup() throws IOException {
        try (InputStream in = LocalEngine.class.getResourceAsStream("/local-engine/warmup-16k.raw")) {
            Pcm pcm = Pcm.fromLittleEndian(in.readAllBytes(), 16000);
            return Resampler.resample(pcm.samples(), 16000, RATE);
        }
    }

    /** True once the model is loaded and every recognizer warm. */
    public boolean ready() {
        return ready;
    }

    public int size() {
        return size;
    }

    /** Why loading failed, if it did. */
    public String failure() {
        return failure;
    }

    /** A new turn; its results are delivered to {@code results} on an engine thread. */
    public Turn turn(Turn.Results results) {
        return new Turn(this, "turn-" + turns.incrementAndGet(), results);
    }

    // ---- dispatch ----------------------------------------------------------------------------------

    /** Queues a job: a final (the turn ended) ahead of every partial. */
    synchronized void submit(Job job) {
        (job.last() ? finals : partials).add(job);
        dispatch();
    }

    /** Hands waiting jobs to idle recognizers, preferring the one that holds the job's turn. */
    private synchronized void dispatch() {
        while (!idle.isEmpty() && (!finals.isEmpty() || !partials.isEmpty())) {
            Job job = finals.isEmpty() ? partials.poll() : finals.poll();
            if (job.turn().cancelled()) {
                continue;
            }
            Slot slot = null;
            for (Slot s : idle) {
                if (s.owner == job.turn()) {
                    slot = s;
                }
            }
            if (slot == null) {
                slot = idle.get(0);
                for (Slot s : idle) {
                    if (s.owner == null || s.owner.cancelled() || s.lastUsed < slot.lastUsed) {
                        slot = s;
                        if (s.owner == null || s.owner.cancelled()) {
                            break;
                        }
                    }
                }
            }
            idle.remove(slot);
            Slot chosen = slot;
            workers.execute(() -> run(chosen, job));
        }
    }

    private void run(Slot slot, Job job) {
        try {
            job.turn().work(slot, job.last());
        } catch (RuntimeException e) {
            LOG.warnf("local engine: a turn failed: %s", e.toString());
            job.turn().failed(e);
        } finally {
            synchronized (this) {
                slot.lastUsed = System.nanoTime();
                idle.add(slot);
                dispatch();
            }
        }
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
