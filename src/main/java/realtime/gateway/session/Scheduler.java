package realtime.gateway.session;

/** Runs a task once after a delay (a Vert.x timer in the service, a manual clock in tests). */
@FunctionalInterface
public interface Scheduler {

    void schedule(long delayMs, Runnable task);
}
