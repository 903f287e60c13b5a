package realtime.gateway.session;

/**
 * Where sessions record what must outlive the process: the session as it stands (at creation, at each
 * state change, with each finished turn) and each turn once it has completed or failed. Called on session
 * contexts, so an implementation only hands the record on (no I/O, no lock held for long); {@link #NONE}
 * keeps nothing.
 */
public interface SessionJournal {

    SessionJournal NONE = new SessionJournal() {
        @Override
        public void session(SessionSnapshot snapshot) {
        }

        @Override
        public void turn(String sessionId, Transcript.Row row) {
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> forget(String sessionId) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    };

    /** The session as it is now; a later call for the same id replaces it. */
    void session(SessionSnapshot snapshot);

    /** A turn of {@code sessionId} completed or failed; a later call for the same item replaces it. */
    void turn(String sessionId, Transcript.Row row);

    /**
     * The session never was (its upstream refused it at once): whatever was recorded of it goes; completes once
     * it is gone.
     */
    java.util.concurrent.CompletionStage<Void> forget(String sessionId);
}
