package realtime.gateway.session;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Wire;

/**
 * An event the gateway itself adds to a session's stream, in the {@code gateway.*} namespace so it can
 * never collide with an upstream type.
 */
@Wire
@RegisterForReflection
public record GatewayEvent(String type, String eventId, String sessionId, String state, String reason,
        Integer closeCode, Long at) {

    /** Sent on every state change, with the reason. */
    public static final String STATE = "gateway.session.state";
    /** The last frame before the gateway closes the subscriber with a normal close. */
    public static final String CLOSED = "gateway.session.closed";
}
