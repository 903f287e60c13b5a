package realtime.gateway.edge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.config.GatewayConfig;

/**
 * Open WebSockets and SSE streams per client address, at most {@code gateway.http.max-streams-per-address}: the
 * long-lived connections are what one client could otherwise pile up. The address is the peer's, or the
 * forwarded client's when Quarkus is told to trust the proxy ({@code quarkus.http.proxy.*}), never a header the
 * gateway was not told to trust.
 */
@ApplicationScoped
public class AddressLimits {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final int max;

    public AddressLimits(GatewayConfig config) {
        this.max = config.http().maxStreamsPerAddress();
    }

    /** Whether {@code request} opens a long-lived stream: a WebSocket upgrade, or a GET of a session's events. */
    public static boolean stream(HttpServerRequest request, String path) {
        return isUpgrade(request) || (request.method().name().equals("GET") && path.endsWith("/events"));
    }

    private static boolean isUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && "websocket".equalsIgnoreCase(upgrade);
    }

    /** One admitted stream; released once, by whichever of its ends comes first. */
    public final class Lease {
        private final String address;
        private final AtomicBoolean released = new AtomicBoolean();

        Lease(String address) {
            this.address = address;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** Upgrades admitted and not yet taken by their socket. */
    private final Map<HttpServerRequest, Lease> upgrading = new ConcurrentHashMap<>();

    /**
     * Counts the stream {@code rc} opens against its address: an event stream until its response ends, a WebSocket
     * until the socket takes the lease ({@link #take}) and releases it on close. False, counting nothing, when the
     * address is at its limit.
     */
    public boolean admit(RoutingContext rc) {
        if (max <= 0) {
            return true;
        }
        String address = address(rc.request());
        boolean[] admitted = {false};
        open.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            return false;
        }
        Lease lease = new Lease(address);
        HttpServerRequest request = rc.request();
        if (isUpgrade(request)) {
            upgrading.put(request, lease);
        }
        // An event stream, or an upgrade refused: released when the response ends (an upgraded socket's never does).
        rc.addEndHandler(v -> {
            upgrading.remove(request);
            lease.release();
        });
        return true;
    }

    /**
     * The lease of an upgrade this socket completes, for it to release when it closes; a no-op lease when the
     * limit is off.
     */
    public Lease take(HttpServerRequest upgrade) {
        Lease lease = upgrading.remove(upgrade);
        return lease != null ? lease : new Lease("");
    }

    public int max() {
        return max;
    }

    static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
    }
}
