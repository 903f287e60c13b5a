package realtime.gateway.edge;

import java.util.function.Supplier;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;

/**
 * The log field (MDC) naming a connection, {@code connection_id}, on every line logged while one of its frames or
 * faults is handled: the peer's address and port for plain sockets and HTTP connections, websockets-next's id for
 * {@code /v1/realtime}. Set around the work and restored after it, never left on a shared event-loop context.
 */
public final class ConnectionMdc {

    public static final String CONNECTION_ID = "connection_id";

    private ConnectionMdc() {
    }

    /** Runs {@code work} with {@code id} as the connection field. */
    public static void run(String id, Runnable work) {
        Object previous = MDC.get(CONNECTION_ID);
        MDC.put(CONNECTION_ID, id);
        try {
            work.run();
        } finally {
            restore(previous);
        }
    }

    /** Calls {@code work} with {@code id} as the connection field. */
    public static <T> T call(String id, Supplier<T> work) {
        Object previous = MDC.get(CONNECTION_ID);
        MDC.put(CONNECTION_ID, id);
        try {
            return work.get();
        } finally {
            restore(previous);
        }
    }

    /**
     * A DEBUG line about connection {@code id}, with the field set. Quarkus keeps the MDC on duplicated Vert.x
     * contexts (one per request); a socket's own handlers run on its event loop's root context, where the MDC does
     * not hold, so from there the line is written from a fresh duplicated context, a moment later.
     */
    public static void debugf(Logger log, String id, String format, Object... args) {
        if (!log.isDebugEnabled()) {
            return;
        }
        if (Vertx.currentContext() == null || VertxContext.isOnDuplicatedContext()) {
            run(id, () -> log.debugf(format, args));
        } else {
            VertxContext.createNewDuplicatedContext().runOnContext(v -> run(id, () -> log.debugf(format, args)));
        }
    }

    private static void restore(Object previous) {
        if (previous == null) {
            MDC.remove(CONNECTION_ID);
        } else {
            MDC.put(CONNECTION_ID, previous);
        }
    }
}
