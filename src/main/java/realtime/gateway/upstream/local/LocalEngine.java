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
import realtime.gateway.edge.Throttled;

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
    private final List<Slot> slots = new ArrayList<>();
    private final Deque<Job> finals = new ArrayDeque<>();
    private final Deque<Job> partials = new ArrayDeque<>();

    /**
     * One recognizer and the turn whose audio it holds, if any ({@code owner}, changed under the engine's lock
     * when a job starts; {@code fresh} then tells the worker to start from the turn's beginning).
     */
    static final class Slot {
        final Recognizer recognizer;
        Turn owner;
        Turn previous;
        boolean fresh;
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
            // Each recognizer is created and warmed on a worker of its own, in parallel.
            List<java.util.concurrent.Future<Slot>> made = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                made.add(workers.submit(() -> {
                    Recognizer r = new Recognizer(model, RATE);
                    r.setWords(true);
                    // A new recognizer is slow until its graph caches are built: one utterance builds them.
                    r.acceptWaveForm(warm, warm.length);
                    r.getFinalResult();
                    r.reset();
                    return new Slot(r);
                }));
            }
            List<Slot> slots = new ArrayList<>();
            for (var f : made) {
                slots.add(f.get());
            }
            synchronized (this) {
                this.slots.addAll(slots);
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
        } catch (java.util.concurrent.ExecutionException e) {
            failure = e.getCause().toString();
            LOG.error("local engine: a recognizer failed to load", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted while loading";
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

    /**
     * Hands waiting jobs to idle recognizers, finals first. A job whose turn a recognizer holds runs there
     * only (fed just the new audio), waiting for it if it is busy; any other job takes an idle recognizer
     * that holds nothing, else the least recently used one (whose turn will be decoded from its start
     * later). A partial that would have to take one that way is only worth it while the turn is short: past
     * that it is dropped (the final still comes).
     */
    private synchronized void dispatch() {
        for (Deque<Job> queue : List.of(finals, partials)) {
            for (var it = queue.iterator(); it.hasNext() && !idle.isEmpty();) {
                Job job = it.next();
                Slot held = holder(job.turn());
                if (job.turn().cancelled()) {
                    it.remove();
                } else if (held != null) {
                    if (idle.contains(held)) {
                        it.remove();
                        start(held, job);
                    }
                } else if (!job.last() && job.turn().samples() > Turn.MAX_PARTIAL_TAKEOVER) {
                    it.remove();
                    job.turn().partialDropped();
                } else {
                    it.remove();
                    start(takeable(), job);
                }
            }
        }
    }

    /** The recognizer holding {@code turn}'s audio, if any. */
    private Slot holder(Turn turn) {
        for (Slot s : slots) {
            if (s.owner == turn) {
                return s;
            }
        }
        return null;
    }

    /** An idle recognizer holding nothing (or a finished turn), else the least recently used idle one. */
    private Slot takeable() {
        Slot lru = idle.get(0);
        for (Slot s : idle) {
            if (s.owner == null || s.owner.cancelled()) {
                return s;
            }
            if (s.lastUsed < lru.lastUsed) {
                lru = s;
            }
        }
        return lru;
    }

    private void start(Slot slot, Job job) {
        if (slot.owner != job.turn()) {
            slot.previous = slot.owner;
            slot.owner = job.turn();
            slot.fresh = true;
        }
        idle.remove(slot);
        workers.execute(() -> run(slot, job));
    }

    private void run(Slot slot, Job job) {
        try {
            job.turn().work(slot, job.last());
        } catch (RuntimeException e) {
            Throttled.warn(LOG, "turn failed: " + e.getClass().getName(), "local engine: a turn failed: " + e);
            job.turn().failed(e);
        } finally {
            synchronized (this) {
                if (job.last()) {
                    slot.owner = null;
                }
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
