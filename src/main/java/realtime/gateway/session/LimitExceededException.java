package realtime.gateway.session;

/**
 * A quota or limit refuses a request: {@code limit} names it (as in configuration), the message says what
 * was asked, what is allowed and when to retry, and {@code retryAfterSeconds} is the wait before it may succeed.
 */
public class LimitExceededException extends RuntimeException {

    private final String limit;
    private final long retryAfterSeconds;

    public LimitExceededException(String limit, String message, long retryAfterSeconds) {
        super(message);
        this.limit = limit;
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** The limit's configuration name, e.g. {@code max-sessions}. */
    public String limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
