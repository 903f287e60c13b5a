package realtime.gateway.upstream;

/** What a session hears from its upstream connection. Calls never overlap. */
public interface UpstreamListener {

    /** One text frame, exactly as received. */
    void onFrame(String text);

    /** A binary frame: not part of the protocol, counted and dropped. */
    default void onBinaryFrame(int length) {
    }

    /** The connection closed, by either side; {@code code} is 1006 when it dropped without a close frame. */
    void onClosed(int code, String reason);
}
