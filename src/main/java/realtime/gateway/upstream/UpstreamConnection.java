package realtime.gateway.upstream;

/** An open upstream connection: text frames out, and a clean close. */
public interface UpstreamConnection {

    /** Sends one client event (already encoded) upstream; ordered with other sends from the same thread. */
    void send(String text);

    /** Closes the connection; the listener then sees {@link UpstreamListener#onClosed}. */
    void close(int code, String reason);
}
