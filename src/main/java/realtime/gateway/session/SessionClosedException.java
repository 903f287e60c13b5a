package realtime.gateway.session;

/** An operation on a session that has ended or is ending. */
public class SessionClosedException extends RuntimeException {

    public SessionClosedException(String sessionId, SessionState state) {
        super("session " + sessionId + " is " + state.wire() + " and accepts no more input");
    }
}
