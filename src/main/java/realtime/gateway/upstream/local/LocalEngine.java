package realtime.gateway.upstream.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.vosk.Recognizer;

import io.quarkus.arc.properties.UnlessBuildProperty;
import realtime.gateway.audio.Pcm;
import realtime.gateway.config.GatewayConfig;

/**
 * Vosk (Kaldi) speech recognition for the local provider: one model per process ({@link Vosk}) and a
 * {@link RecognizerPool} of reusable recognizers whose jobs run on worker threads, never an event loop. At
 * start it extracts the model (the first start only) and loads it, and warms {@code gateway.local.pool-size}
 * recognizers in parallel, in the background; readiness waits for that. Sessions make {@link Turn}s here.
 */
@ApplicationScoped
@UnlessBuildProperty(name = "quarkus.native.enabled", stringValue = "true", enableIfMissing = true)
public class LocalEngine {

    /** The rate recognizers take: the sessions' own 24 kHz, so PCM16 input is never resampled. */
    public static final int RATE = Pcm.UPSTREAM_RATE;

    private static final Logger LOG = Logger.getLogger(LocalEngine.class);

    private final GatewayConfig.Local config;
    private final ExecutorService workers;
    private final ScheduledExecutorService reaper;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger turns = new AtomicInteger();
    private volatile String failure;
    private volatile Vosk vosk;
    /** Set once the model is loaded and the first recognizers warm. */
    private volatile RecognizerPool pool;
    /** Guarded by this: jobs from sessions opened while the engine was still loading. */
    private final List<RecognizerPool.Job> early = new ArrayList<>();

    @Inject
    public LocalEngine(GatewayConfig config) {
        this(config.local());
    }

    LocalEngine(GatewayConfig.Local config) {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> daemon(r, "local-asr-" + n.incrementAndGet()));
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "local-asr-reaper"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Extracts the model (first start only), loads it and warms the pool's recognizers, in the background. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        daemon(this::load, "local-asr-load").start();
    }

    private void load() {
        long t0 = System.nanoTime();
        try {
            vosk = Vosk.load(config.modelDir());
            // Each recognizer is made and warmed on a worker of its own, in parallel.
            List<Future<Recognizer>> made = new ArrayList<>();
            for (int i = 0; i < Math.max(1, config.poolSize()); i++) {
                made.add(workers.submit(vosk::warmed));
            }
            List<Recognizer> warmed = new ArrayList<>();
            for (var f : made) {
                warmed.add(f.get());
            }
            RecognizerPool p = new RecognizerPool(vosk, warmed, config, workers);
            if (p.max() > warmed.size()) {
                reaper.scheduleWithFixedDelay(p::reap, p.reapEveryNanos(), p.reapEveryNanos(), TimeUnit.NANOSECONDS);
            }
            List<RecognizerPool.Job> waiting;
            synchronized (this) {
                pool = p;
                waiting = new ArrayList<>(early);
                early.clear();
            }
            waiting.forEach(p::submit);
            LOG.infof("local engine: Vosk model and %d recognizer(s) ready in %d ms (the pool grows to %d while "
                    + "memory outside the heap is below %s)", warmed.size(), (System.nanoTime() - t0) / 1_000_000,
                    p.max(), p.memoryLimit() == 0 ? "any size" : p.memoryLimit() / (1024 * 1024) + " MB");
        } catch (UnsatisfiedLinkError e) {
            failure = "the local engine needs libvosk, which the Vosk library ships for linux-x86-64, macOS and "
                    + "Windows x86-64 only; this machine is " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + " (use the openai provider here)";
            LOG.warn("local engine: " + failure);
        } catch (ExecutionException e) {
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

    /** True once the model is loaded and the pool's recognizers warm. */
    public boolean ready() {
        return pool != null;
    }

    /** Recognizers in the pool now (0 before it is ready). */
    public int size() {
        RecognizerPool p = pool;
        return p == null ? 0 : p.size();
    }

    /** Recognizers decoding a turn now. */
    public int busy() {
        RecognizerPool p = pool;
        return p == null ? 0 : p.busy();
    }

    /** Recognizers replaced after decoding {@code recycle-after} of audio, since start. */
    int recycled() {
        RecognizerPool p = pool;
        return p == null ? 0 : p.recycled();
    }

    /** Why loading failed, if it did. */
    public String failure() {
        return failure;
    }

    /** A new turn; its results are delivered to {@code results} on an engine thread. */
    public Turn turn(Turn.Results results) {
        return new Turn(this, "turn-" + turns.incrementAndGet(), results);
    }

    /** Queues a job on the pool; one that comes while the engine is still loading waits for it. */
    void submit(RecognizerPool.Job job) {
        RecognizerPool p;
        synchronized (this) {
            p = pool;
            if (p == null) {
                early.add(job);
                return;
            }
        }
        p.submit(job);
    }

    /** Stops the workers and, once none is decoding, frees the recognizers and the model. */
    @PreDestroy
    void stop() {
        reaper.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                return; // a decode still runs: its memory goes with the process
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (pool != null) {
            pool.release();
        }
        if (vosk != null) {
            vosk.close();
        }
    }
}
