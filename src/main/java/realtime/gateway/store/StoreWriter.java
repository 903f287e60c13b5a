package realtime.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

/**
 * The one thread that writes to the database. Callers hand it work without waiting; it takes whatever has
 * queued (a batch) and writes it in one transaction as soon as the previous one is committed, so a record
 * is written within one transaction's time of being handed over. A failed transaction is retried with
 * backoff, keeping its order; meanwhile new work queues up to a bound, past which it is dropped and counted.
 */
final class StoreWriter implements Runnable {

    private static final Logger LOG = Logger.getLogger(StoreWriter.class);
    private static final int BATCH = 500;
    static final long LINGER_NS = Long.getLong("gateway.store.linger-ms", 20) * 1_000_000;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final long WARN_EVERY_MS = 60_000;

    /** One unit of work, run inside the batch's transaction. */
    interface Work {
        void run(Connection c, long now) throws SQLException;

        /** Work that replaces earlier work with the same key in one batch (a session's newest snapshot); else null. */
        default String coalesceKey() {
            return null;
        }
    }

    /** Work as queued, with when it was handed over (for the write delay a crash could lose). */
    record Queued(Work work, long atNanos) implements Work {
        @Override
        public void run(Connection c, long now) throws SQLException {
            work.run(c, now);
        }

        @Override
        public String coalesceKey() {
            return work.coalesceKey();
        }
    }

    /** What each commit reports: how long it took, how long its oldest work had waited, how much it wrote. */
    interface Observer {
        void committed(long commitNanos, long oldestWaitNanos, int works);
    }

    /** Work whose caller waits for its commit. */
    record Awaited(Work work, CompletableFuture<Void> done) implements Work {
        @Override
        public void run(Connection c, long now) throws SQLException {
            work.run(c, now);
        }
    }

    /**
     * Work run every {@code intervalMs}, between batches (heartbeats, usage flushes, retention); with
     * {@code atStop} once more when the writer stops (a final flush).
     */
    record Periodic(long intervalMs, boolean atStop, Work work) {
    }

    private final DataSource ds;
    private final Observer observer;
    private final LongSupplier clock;
    private final BlockingQueue<Work> queue;
    private final List<Periodic> periodic = new ArrayList<>();
    private final long[] due;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean stopping;
    private volatile String failing;
    private long lastWarn;
    private long lastDropWarn;
    private final Thread thread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    StoreWriter(DataSource ds, LongSupplier clock, int maxQueued, List<Periodic> periodic, Observer observer) {
        this.observer = observer;
        this.ds = ds;
        this.clock = clock;
        this.queue = new LinkedBlockingQueue<>(maxQueued);
        this.periodic.addAll(periodic);
        this.due = new long[periodic.size()];
        this.thread = new Thread(this, "store-writer");
        thread.setDaemon(true);
    }

    void start() {
        long now = clock.getAsLong();
        for (int i = 0; i < due.length; i++) {
            due[i] = now + periodic.get(i).intervalMs();
        }
        thread.start();
    }

    /** Hands {@code work} over; false (and counted) when the queue is full. Never blocks. */
    boolean submit(Work work) {
        if (queue.offer(new Queued(work, System.nanoTime()))) {
            return true;
        }
        dropped.incrementAndGet();
        long now = clock.getAsLong();
        if (now - lastDropWarn >= WARN_EVERY_MS) {
            lastDropWarn = now;
            LOG.warnf("store: %d writes queued, the bound (gateway.store.max-queued); dropping new ones (%d so far)",
                    queue.size(), dropped.get());
        }
        return false;
    }

    /** Hands {@code work} over; the stage completes once it is committed (or fails when it cannot be queued). */
    CompletableFuture<Void> submitAwaited(Work work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!submit(new Awaited(work, done))) {
            done.completeExceptionally(new IllegalStateException("the store's write queue is full"));
        }
        return done;
    }

    /** Writes what is queued, then stops; waits up to {@code ms}. */
    void stop(long ms) {
        submit((c, now) -> {
            for (Periodic p : periodic) {
                if (p.atStop()) {
                    p.work().run(c, now);
                }
            }
        });
        // Never interrupt the writer: an interrupt during file I/O closes the embedded database's file channel.
        // The flush just queued wakes it; stopping makes it write what is left and end.
        stopping = true;
        try {
            stopped.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("store: %d writes were not written before stopping", queue.size());
        }
    }

    long dropped() {
        return dropped.get();
    }

    long written() {
        return written.get();
    }

    int queued() {
        return queue.size();
    }

    /** The last error while it keeps failing; null when the last transaction committed. */
    String failing() {
        return failing;
    }

    @Override
    public void run() {
        List<Work> batch = new ArrayList<>();
        long backoff = 100;
        try {
            while (!stopping || !queue.isEmpty() || !batch.isEmpty()) {
                if (batch.isEmpty()) {
                    Work first = take();
                    if (first != null) {
                        batch.add(first);
                        linger(first);
                        queue.drainTo(batch, BATCH - 1);
                    } else if (!anyDue()) {
                        continue;
                    }
                }
                try {
                    write(batch);
                    written.addAndGet(batch.size());
                    batch.clear();
                    failing = null;
                    backoff = 100;
                } catch (SQLException | RuntimeException e) {
                    failing = e.getMessage();
                    if (stopping) {
                        LOG.warnf("store: %d writes lost at shutdown: %s", batch.size() + queue.size(), e.getMessage());
                        fail(batch, e);
                        return;
                    }
                    long now = clock.getAsLong();
                    if (now - lastWarn >= WARN_EVERY_MS) {
                        lastWarn = now;
                        LOG.warnf("store: a write failed (%d waiting; retrying with backoff): %s",
                                batch.size() + queue.size(), e.getMessage());
                    }
                    pause(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                }
            }
        } finally {
            stopped.complete(null);
        }
    }

    /** The next work, waiting until periodic work is due; null when none came (or the writer is stopping). */
    private Work take() {
        if (stopping) {
            return queue.poll();
        }
        try {
            return queue.poll(nextDue(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return null; // nothing interrupts the writer on purpose (see stop()); carry on
        }
    }

    /**
     * Lets what follows {@code first} within {@link #LINGER_NS} join its transaction: a commit costs far more than
     * a row (measured with bench/store.sh), so a busy store commits about 50 times a second, not once per record.
     */
    private void linger(Work first) {
        if (first instanceof Queued q && !stopping) {
            long wait = LINGER_NS - (System.nanoTime() - q.atNanos());
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            // nothing interrupts the writer on purpose (see stop()); carry on
        }
    }

    private boolean anyDue() {
        long now = clock.getAsLong();
        for (long d : due) {
            if (now >= d) {
                return true;
            }
        }
        return false;
    }

    private long nextDue() {
        long now = clock.getAsLong();
        long wait = 1000;
        for (long d : due) {
            wait = Math.min(wait, d - now);
        }
        return Math.max(1, wait);
    }

    private void write(List<Work> batch) throws SQLException {
        long now = clock.getAsLong();
        long started = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Work w : coalesced(batch)) {
                    w.run(c, now);
                }
                for (int i = 0; i < due.length; i++) {
                    if (now >= due[i]) {
                        periodic.get(i).work().run(c, now);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        for (int i = 0; i < due.length; i++) {
            if (now >= due[i]) {
                due[i] = now + periodic.get(i).intervalMs();
            }
        }
        long done = System.nanoTime();
        long oldest = done;
        for (Work w : batch) {
            Work inner = w instanceof Queued q ? q.work() : w;
            if (w instanceof Queued q) {
                oldest = Math.min(oldest, q.atNanos());
            }
            if (inner instanceof Awaited a) {
                a.done().complete(null);
            }
        }
        if (!batch.isEmpty()) {
            observer.committed(done - started, done - oldest, batch.size());
        }
    }

    /** The batch with all but the last of each coalescing key left out, in order. */
    private static List<Work> coalesced(List<Work> batch) {
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            String k = batch.get(i).coalesceKey();
            if (k != null) {
                last.put(k, i);
            }
        }
        if (last.isEmpty()) {
            return batch;
        }
        List<Work> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            String k = batch.get(i).coalesceKey();
            if (k == null || last.get(k) == i) {
                out.add(batch.get(i));
            }
        }
        return out;
    }

    private static void fail(List<Work> batch, Exception e) {
        for (Work w : batch) {
            if ((w instanceof Queued q ? q.work() : w) instanceof Awaited a) {
                a.done().completeExceptionally(e);
            }
        }
    }
}
