package realtime.gateway.session;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Wire;

/**
 * What the gateway tells subscribers about its upstream connection, in its own namespace:
 * {@code gateway.upstream.reconnecting} (attempt, cause, next delay), {@code gateway.upstream.reconnected}
 * (attempts, downtime), and {@code gateway.item.replaced}: a turn sent again on the new connection came back
 * under a new item id, which stands for the old one from then on; {@code gateway.upstream.rotated}: the session
 * moved to a fresh connection before the upstream's session age limit, with no time without an upstream.
 */
@Wire
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayUpstreamEvent(String type, String eventId, String sessionId, Integer attempt, String cause,
        Long nextDelayMs, Long downtimeMs, String oldItemId, String newItemId, Long ageMs) {

    public static final String RECONNECTING = "gateway.upstream.reconnecting";
    public static final String RECONNECTED = "gateway.upstream.reconnected";
    public static final String ITEM_REPLACED = "gateway.item.replaced";
    public static final String ROTATED = "gateway.upstream.rotated";

    static GatewayUpstreamEvent reconnecting(String eventId, String sessionId, int attempt, String cause, long delay) {
        return new GatewayUpstreamEvent(RECONNECTING, eventId, sessionId, attempt, cause, delay, null, null, null, null);
    }

    static GatewayUpstreamEvent reconnected(String eventId, String sessionId, int attempts, long downtimeMs) {
        return new GatewayUpstreamEvent(RECONNECTED, eventId, sessionId, attempts, null, null, downtimeMs, null, null, null);
    }

    static GatewayUpstreamEvent replaced(String eventId, String sessionId, String oldItemId, String newItemId) {
        return new GatewayUpstreamEvent(ITEM_REPLACED, eventId, sessionId, null, null, null, null, oldItemId, newItemId, null);
    }

    /** The session moved to a new upstream connection before the old one reached its age limit ({@code ageMs} old). */
    static GatewayUpstreamEvent rotated(String eventId, String sessionId, String cause, long ageMs) {
        return new GatewayUpstreamEvent(ROTATED, eventId, sessionId, null, cause, null, 0L, null, null, ageMs);
    }
}
