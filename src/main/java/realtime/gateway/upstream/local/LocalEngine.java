package realtime.gateway.upstream.local;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Comparator;
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
import realtime.gateway.edge.Throttled;

/**
 * Vosk (Kaldi) speech recognition for the local provider: one model per process ({@link Vosk}) and an elastic
 * pool of reusable recognizers, each job run by a worker thread, never an event loop.
 * {@code gateway.local.pool-size} recognizers are warmed at start and kept; when more turns are spoken at once
 * than the pool holds it grows, up to {@code max-pool-size} and while memory outside the heap is below
 * {@code pool-memory-limit}, so each turn streams into a recognizer of its own. Recognizers beyond
 * {@code pool-size} are closed after {@code pool-idle-timeout} unused, or after their turn once memory is a
 * quarter over the limit. A recognizer that has decoded {@code recycle-after} of audio is replaced by a fresh one (its graph
 * cache grows with new speech).
 *
 * <p>Work comes as jobs on a {@link Turn}: finals first (in the order turns ended, so one long session cannot
 * hold the pool for more than a turn at a time), then partials (at most one waiting per turn). A recognizer
 * that last worked on a turn keeps its state: the turn's next job goes to it when it is free and is fed only
 * the audio since, so one speaker's partials cost what streaming costs. Only at {@code max-pool-size} does a
 * job take a recognizer holding another turn, which that turn then pays for by being decoded from its start.
 * A free job goes to the free recognizer that has decoded most: Vosk caches the parts of its graph a
 * recognizer has visited, so the most used one is the fastest.
 */
@ApplicationScoped
@UnlessBuildProperty(name = "quarkus.native.enabled", stringValue = "true", enableIfMissing = true)
public class LocalEngine {

    /** The rate recognizers take: the sessions' own 24 kHz, so PCM16 input is never resampled. */
    public static final int RATE = Pcm.UPSTREAM_RATE;

    private static final Logger LOG = Logger.getLogger(LocalEngine.class);

    private final GatewayConfig.Local config;
    private final int min;
    private final int max;
    private final long idleNanos;
    private final long recycleSamples;
    private final long memoryLimit;
    private final ResidentMemory memory = new ResidentMemory();
    private final ExecutorService workers;
    private final ScheduledExecutorService reaper;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger turns = new AtomicInteger();
    private final AtomicInteger recycled = new AtomicInteger();
    private volatile boolean ready;
    private volatile String failure;
    private volatile Vosk vosk;
    /** Guarded by this: the pool, its idle members, and jobs waiting (finals ahead of partials). */
    private final List<Slot> slots = new ArrayList<>();
    private final List<Slot> idle = new ArrayList<>();
    private final Deque<Job> finals = new ArrayDeque<>();
    private final Deque<Job> partials = new ArrayDeque<>();

    /** A unit of work for one turn. */
    record Job(Turn turn, boolean last) {
    }

    @Inject
    public LocalEngine(GatewayConfig config) {
        this(config.local());
    }

    LocalEngine(GatewayConfig.Local config) {
        this.config = config;
        this.min = Math.max(1, config.poolSize());
        this.max = Math.max(min, config.maxPoolSize());
        this.idleNanos = config.poolIdleTimeout().toNanos();
        this.recycleSamples = config.recycleAfter().toMillis() * RATE / 1000;
        this.memoryLimit = config.poolMemoryLimit().map(m -> m.asLongValue()).orElseGet(ResidentMemory::besideHeap);
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
            for (int i = 0; i < min; i++) {
                made.add(workers.submit(vosk::warmed));
            }
            List<Slot> warmed = new ArrayList<>();
            for (var f : made) {
                warmed.add(new Slot(f.get()));
            }
            synchronized (this) {
                slots.addAll(warmed);
                idle.addAll(warmed);
            }
            if (max > min) {
                long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), idleNanos / 4);
                reaper.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.NANOSECONDS);
            }
            ready = true;
            LOG.infof("local engine: Vosk model and %d recognizer(s) ready in %d ms (the pool grows to %d while "
                    + "memory outside the heap is below %s)", min, (System.nanoTime() - t0) / 1_000_000, max,
                    memoryLimit == 0 ? "any size" : memoryLimit / (1024 * 1024) + " MB");
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
        return ready;
    }

    /** Recognizers in the pool now. */
    public synchronized int size() {
        return slots.size();
    }

    /** Recognizers replaced after decoding {@code recycle-after} of audio, since start. */
    int recycled() {
        return recycled.get();
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
     * Hands waiting jobs to recognizers, finals first. A job whose turn a recognizer holds runs there only (fed
     * just the new audio), waiting for it if it is busy. Any other job takes an idle recognizer that holds no
     * turn being spoken, else a new one while the pool is below {@code max-pool-size}, else the least recently
     * used idle one (whose turn will be decoded from its start later). A partial that would have to take one
     * that way is only worth it while the turn is short: past that it is dropped (the final still comes).
     */
    private synchronized void dispatch() {
        for (Deque<Job> queue : List.of(finals, partials)) {
            for (var it = queue.iterator(); it.hasNext();) {
                if (idle.isEmpty() && (slots.size() >= max || !ready)) {
                    return;
                }
                Job job = it.next();
                Slot held = holder(job.turn());
                if (job.turn().cancelled() || !job.last() && job.turn().ended()) {
                    it.remove();
                } else if (held != null) {
                    if (idle.contains(held)) {
                        it.remove();
                        start(held, job);
                    }
                } else {
                    Slot free = free();
                    if (free == null && slots.size() < max && ready && !memory.above(memoryLimit)) {
                        free = new Slot();
                        slots.add(free);
                        idle.add(free);
                    }
                    if (free != null) {
                        it.remove();
                        start(free, job);
                    } else if (idle.isEmpty()) {
                        continue;
                    } else if (!job.last() && job.turn().samples() > Turn.MAX_PARTIAL_TAKEOVER) {
                        it.remove();
                        job.turn().partialDropped();
                    } else {
                        it.remove();
                        start(leastRecentlyUsed(), job);
                    }
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

    /**
     * An idle recognizer holding no turn that is still wanted, if any: the one that has decoded most, whose graph
     * cache is warmest (so a lightly used pool keeps one recognizer well warmed rather than several half).
     */
    private Slot free() {
        Slot best = null;
        for (Slot s : idle) {
            if ((s.owner == null || s.owner.cancelled()) && (best == null || s.decoded() > best.decoded())) {
                best = s;
            }
        }
        return best;
    }

    private Slot leastRecentlyUsed() {
        Slot lru = idle.get(0);
        for (Slot s : idle) {
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
        Runnable deliver = null;
        boolean retired = false;
        try {
            try {
                deliver = job.turn().work(slot, slot.recognizer(vosk), job.last());
            } catch (RuntimeException e) {
                failed(job.turn(), e);
            }
            if (job.last() && recycleSamples > 0 && slot.decoded() >= recycleSamples) {
                deliver(job.turn(), deliver); // the result first; the replacement is warmed after it
                deliver = null;
                recycle(slot);
            }
        } finally {
            synchronized (this) {
                if (job.last()) {
                    slot.owner = null;
                }
                slot.lastUsed = System.nanoTime();
                if (job.last() && slots.size() > min && !warmest(slot) && memory.above(memoryLimit + memoryLimit / 4)) {
                    // Well over the memory limit: an extra recognizer goes as soon as its turn is done. (Between the
                    // limit and this, the pool just stops growing: freed native memory is not always given back to
                    // the system, so retiring at the limit itself would shrink the pool to its minimum for nothing.)
                    slots.remove(slot);
                    retired = true;
                } else {
                    idle.add(slot);
                }
                dispatch();
            }
            if (retired) {
                slot.release();
            }
        }
        deliver(job.turn(), deliver);
    }

    /** True if {@code slot} is one of the {@code pool-size} recognizers that have decoded most. */
    private boolean warmest(Slot slot) {
        int ahead = 0;
        for (Slot s : slots) {
            if (s != slot && s.decoded() > slot.decoded()) {
                ahead++;
            }
        }
        return ahead < min;
    }

    private static void deliver(Turn turn, Runnable delivery) {
        if (delivery != null) {
            try {
                delivery.run();
            } catch (RuntimeException e) {
                failed(turn, e);
            }
        }
    }

    private static void failed(Turn turn, RuntimeException e) {
        Throttled.warn(LOG, "turn failed: " + e.getClass().getName(), "local engine: a turn failed: " + e);
        turn.failed(e);
    }

    /** Replaces a recognizer whose graph cache has grown with {@code recycle-after} of audio by a warmed one. */
    private void recycle(Slot slot) {
        try {
            slot.install(vosk.warmed());
            recycled.incrementAndGet();
        } catch (RuntimeException e) {
            Throttled.warn(LOG, "recycle failed", "local engine: could not replace a recognizer: " + e);
            slot.release(); // the next job makes a new one
        }
    }

    /**
     * Closes recognizers beyond {@code pool-size} that have been idle, holding no turn, for
     * {@code pool-idle-timeout}: those that decoded least (whose graph caches are coldest) first.
     */
    private void reap() {
        List<Slot> gone = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            List<Slot> unused = new ArrayList<>();
            for (Slot s : idle) {
                if ((s.owner == null || s.owner.cancelled()) && now - s.lastUsed >= idleNanos) {
                    unused.add(s);
                }
            }
            unused.sort(Comparator.comparingLong(Slot::decoded));
            for (Slot s : unused) {
                if (slots.size() <= min) {
                    break;
                }
                slots.remove(s);
                idle.remove(s);
                gone.add(s);
            }
        }
        // Out of the pool and idle: no worker can touch them now.
        gone.forEach(Slot::release);
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
        synchronized (this) {
            slots.forEach(Slot::release);
            slots.clear();
            idle.clear();
        }
        if (vosk != null) {
            vosk.close();
        }
    }
}
