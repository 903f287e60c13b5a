package realtime.gateway.edge;

import java.io.IOException;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;

/**
 * Sorts a failure met while reading a request into the caller's doing or the gateway's. A client that goes away
 * mid-request ({@link #ABORTED}) or sends broken HTTP framing ({@link #MALFORMED}: a chunk size that overflows, a
 * chunk too long) caused it; neither is an ERROR, and a malformed request is answered with 400 while its
 * connection can still carry the answer.
 */
public enum ClientFaults {

    /** The client closed or reset the connection before the request was done. */
    ABORTED,
    /** The bytes on the wire were not HTTP: the connection cannot be read further. */
    MALFORMED;

    /** The caller's fault in {@code t} (searching its causes), or null when it is not the caller's. */
    public static ClientFaults of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof HttpClosedException || c instanceof java.nio.channels.ClosedChannelException) {
                return ABORTED;
            }
            if (c instanceof DecoderException || c instanceof TooLongFrameException
                    || c instanceof NumberFormatException) {
                return MALFORMED;
            }
            if (c instanceof IOException && c.getMessage() != null
                    && (c.getMessage().contains("Connection reset") || c.getMessage().contains("Broken pipe"))) {
                return ABORTED;
            }
        }
        return null;
    }

    /** What to tell the caller about a malformed request. */
    public static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "The request could not be read: its HTTP framing is broken (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + "). Send a valid Content-Length "
                + "or chunked body.";
    }

    /**
     * Sends what was written to {@code connection} now. Vert.x holds writes made while it reads a connection until
     * the read ends, and a connection failing on broken framing is closed before that: without this, the 400 or the
     * close frame written in answer would be dropped unsent. (Vert.x 4 has no public flush; its connections are
     * {@code ConnectionBase}, whose {@code flush()} this calls.)
     */
    public static void flush(HttpConnection connection) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase c) {
            c.flush();
        }
    }

    /** A short id for log lines: the peer's address and port, which name the connection. */
    public static String id(HttpConnection connection) {
        return connection == null || connection.remoteAddress() == null ? "?" : connection.remoteAddress().toString();
    }
}
