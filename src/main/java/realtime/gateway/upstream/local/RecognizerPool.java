package realtime.gateway.upstream.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.vosk.Recognizer;

import realtime.gateway.config.GatewayConfig;
import realtime.gateway.edge.Throttled;

/**
 * The {@link LocalEngine}'s recognizers and the jobs waiting for them. It starts with the warmed
 * {@code pool-size} and grows while turns overlap (up to {@code max-pool-size}, while memory outside the heap
 * is below {@code pool-memory-limit}); extras close when idle or, a quarter over the limit, after their turn;
 * a recognizer that has decoded {@code recycle-after} of audio is replaced. Jobs run on the engine's workers,
 * one at a time per recognizer.
 *
 * <p>Work comes as jobs on a {@link Turn}: finals first (in the order turns ended, so one long session cannot
 * hold the pool for more than a turn at a time), then partials (at most one waiting per turn). A recognizer
 * that last worked on a turn keeps its state: the turn's next job goes to it when it is free and is fed only
 * the audio since, so one speaker's partials cost what streaming costs. Only at {@code max-pool-size} does a
 * job take a recognizer holding another turn, which that turn then pays for by being decoded from its start.
 * A free job goes to the free recognizer that has decoded most: Vosk caches the parts of its graph a
 * recognizer has visited, so the most used one is the fastest.
 */
final class RecognizerPool {

    private static final Logger LOG = Logger.getLogger(RecognizerPool.class);

    /** A unit of work for one turn: a partial result, or the final one ({@code last}). */
    record Job(Turn turn, boolean last) {
    }

    private final Vosk vosk;
    private final Executor workers;
    private final int min;
    private final int max;
    private final long idleNanos;
    private final long recycleSamples;
    private final long memoryLimit;
    private final ResidentMemory memory = new ResidentMemory();
    private final AtomicInteger recycled = new AtomicInteger();
    /** Guarded by this: the pool, its idle members, and jobs waiting (finals ahead of partials). */
    private final List<Slot> slots = new ArrayList<>();
    private final List<Slot> idle = new ArrayList<>();
    private final Deque<Job> finals = new ArrayDeque<>();
    private final Deque<Job> partials = new ArrayDeque<>();

    RecognizerPool(Vosk vosk, List<Recognizer> warmed, GatewayConfig.Local config, Executor workers) {
        this.vosk = vosk;
        this.workers = workers;
        this.min = warmed.size();
        this.max = Math.max(min, config.maxPoolSize());
        this.idleNanos = config.poolIdleTimeout().toNanos();
        this.recycleSamples = config.recycleAfter().toMillis() * LocalEngine.RATE / 1000;
        this.memoryLimit = config.poolMemoryLimit().map(m -> m.asLongValue()).orElseGet(ResidentMemory::besideHeap);
        for (Recognizer r : warmed) {
            Slot s = new Slot(r);
            slots.add(s);
            idle.add(s);
        }
    }

    /** The most recognizers it grows to. */
    int max() {
        return max;
    }

    /** The memory outside the heap it grows within, in bytes (0: any). */
    long memoryLimit() {
        return memoryLimit;
    }

    /** How often {@link #reap} is worth calling: a quarter of the idle timeout, at least 50 ms. */
    long reapEveryNanos() {
        return Math.max(50_000_000L, idleNanos / 4);
    }

    /** Recognizers in the pool now. */
    synchronized int size() {
        return slots.size();
    }

    /** Recognizers decoding a turn now. */
    synchronized int busy() {
        return slots.size() - idle.size();
    }

    /** Recognizers replaced after decoding {@code recycle-after} of audio, since start. */
    int recycled() {
        return recycled.get();
    }

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
                if (idle.isEmpty() && slots.size() >= max) {
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
                    if (free == null && slots.size() < max && !memory.above(memoryLimit)) {
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
            if (s.holdsNoTurn() && (best == null || s.decoded() > best.decoded())) {
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
    void reap() {
        List<Slot> gone = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            List<Slot> unused = new ArrayList<>();
            for (Slot s : idle) {
                if (s.holdsNoTurn() && now - s.lastUsed >= idleNanos) {
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

    /** Frees every recognizer; only once no worker runs. */
    synchronized void release() {
        slots.forEach(Slot::release);
        slots.clear();
        idle.clear();
    }
}
