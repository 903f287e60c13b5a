package realtime.gateway.session;

import realtime.gateway.event.RealtimeCodec;

/**
 * The events the gateway itself adds to a session's stream ({@code gateway.*}), numbered by the hub like
 * any frame: state changes, the final close, upstream reconnects, replaced item ids and replays. Touched
 * only on the session's context.
 */
final class Announcements {

    private final String sessionId;
    private final RealtimeCodec codec;
    private final SessionHub hub;
    private long eventIds;

    Announcements(String sessionId, RealtimeCodec codec, SessionHub hub) {
        this.sessionId = sessionId;
        this.codec = codec;
        this.hub = hub;
    }

    /** {@code gateway.session.state} or {@code gateway.session.closed} for the status now. */
    String session(String type, SessionStatus s) {
        return codec.write(new GatewayEvent(type, eventId(), sessionId, s.state().wire(), s.reason(), s.closeCode(),
                s.closedAt() != null ? s.closedAt() : s.since()));
    }

    void publishSession(String type, SessionStatus s) {
        hub.publish(type, session(type, s), true);
    }

    void reconnecting(int attempt, String cause, long delayMs) {
        publish(GatewayUpstreamEvent.reconnecting(eventId(), sessionId, attempt, cause, delayMs));
    }

    void reconnected(int attempts, long downtimeMs) {
        publish(GatewayUpstreamEvent.reconnected(eventId(), sessionId, attempts, downtimeMs));
    }

    void rotated(String cause, long ageMs) {
        publish(GatewayUpstreamEvent.rotated(eventId(), sessionId, cause, ageMs));
    }

    void replaced(String oldItemId, String newItemId) {
        publish(GatewayUpstreamEvent.replaced(eventId(), sessionId, oldItemId, newItemId));
    }

    /** The {@code gateway.replay} event of one resume (sent to its subscriber only). */
    String replay(long from, long to, boolean recovered) {
        return codec.write(new GatewayReplay(GatewayReplay.TYPE, eventId(), sessionId, from, to, recovered));
    }

    private void publish(GatewayUpstreamEvent e) {
        hub.publish(e.type(), codec.write(e), true);
    }

    private String eventId() {
        return "event_gw_" + sessionId.substring(Math.min(5, sessionId.length())) + "_" + ++eventIds;
    }
}
