package realtime.gateway.ws;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import realtime.gateway.config.GatewayConfig;

/**
 * Pings every open plain Vert.x socket (event subscribers and audio producers) on one timer, every
 * {@code gateway.fanout.ping-interval}, as websockets-next does for its own endpoints: it keeps quiet
 * sockets alive through proxies with read timeouts.
 */
@ApplicationScoped
public class SocketPings {

    private final Set<ServerWebSocket> open = ConcurrentHashMap.newKeySet();
    private final GatewayConfig config;
    private final Vertx vertx;

    public SocketPings(GatewayConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent ev) {
        long every = config.fanout().pingInterval().toMillis();
        if (every > 0) {
            vertx.setPeriodic(every, t -> open.forEach(ws -> ws.writePing(Buffer.buffer())));
        }
    }

    /** Pings {@code ws} until it closes. */
    void add(ServerWebSocket ws) {
        open.add(ws);
    }

    void remove(ServerWebSocket ws) {
        open.remove(ws);
    }
}
