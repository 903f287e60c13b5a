package realtime.gateway.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

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

    Mailbox(String owner) {
        this.owner = owner;
    }

    @Override
    public void execute(Runnable task) {
        if (pending.compareAndSet(0, 1)) {
            // Idle: run it here without queueing it (the common case: one frame at a time), then any that came.
            run(task);
            if (pending.decrementAndGet() > 0) {
                drain();
            }
            return;
        }
        // A task is queued before it is counted, so whoever sees the count above zero finds it in the queue.
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            drain();
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
        } catch (RuntimeException e) {
            // A bug in one step must not stop the session's later steps (its close, above all).
            LOG.errorf(e, "session %s: a step failed", owner);
        }
    }
}
