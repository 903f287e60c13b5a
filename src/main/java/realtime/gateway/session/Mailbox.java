package realtime.gateway.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * A session's execution context: runs tasks one at a time, in submission order, without locks. A caller
 * that finds the mailbox idle runs the queued tasks on its own thread (no hand-off, so an upstream frame
 * is handled on the event loop that read it); callers that find it busy only enqueue. Tasks must not block.
 */
final class Mailbox implements Executor {

    private static final Logger LOG = Logger.getLogger(Mailbox.class);

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final String owner;
    /**
     * The log field (MDC) naming the session on every line logged while one of its steps runs, whatever logs
     * it (the JSON log in production carries it as {@code mdc.session_id}).
     */
    static final String SESSION_ID = "session_id";

    Mailbox(String owner) {
        this.owner = owner;
    }

    /**
     * Takes the mailbox when it is idle, so the caller may run one step itself, directly (the hot path of
     * upstream frames: no task object, a shallow stack); the caller must then call {@link #exit()}.
     */
    boolean tryEnter() {
        if (pending.compareAndSet(0, 1)) {
            MDC.put(SESSION_ID, owner);
            return true;
        }
        return false;
    }

    /** Ends a step begun with {@link #tryEnter()}, running whatever was queued meanwhile. */
    void exit() {
        if (pending.decrementAndGet() > 0) {
            drain();
        }
        MDC.remove(SESSION_ID);
    }

    @Override
    public void execute(Runnable task) {
        if (tryEnter()) {
            // Idle: run it here without queueing it (the common case: one frame at a time), then any that came.
            run(task);
            exit();
            return;
        }
        // A task is queued before it is counted, so whoever sees the count above zero finds it in the queue.
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            MDC.put(SESSION_ID, owner);
            drain();
            MDC.remove(SESSION_ID);
        }
    }

    private void drain() {
        do {
            run(tasks.poll());
        } while (pending.decrementAndGet() > 0);
    }

    private void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            failed(e);
        }
    }

    /** A bug in one step must not stop the session's later steps (its close, above all). */
    void failed(Throwable e) {
        LOG.errorf(e, "session %s: a step failed", owner);
    }
}
