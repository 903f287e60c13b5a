package realtime.gateway.session;

/**
 * Why the gateway will not do what a caller asked: the one value every check returns (configuration
 * validation, quotas, the session's input path, the registry). Each transport maps it once: a REST error
 * body with its status, a WebSocket {@code error} event, or an upgrade status. A refusal is the caller's
 * to fix or wait out; it is never logged as an error and never a 5xx, except {@link SessionBusy} and {@link ShuttingDown}
 * (503, retry) and {@link UpstreamUnavailable} (502: the upstream said no).
 */
public sealed interface Refusal {

    /** Says what happened and what to do about it. */
    String message();

    /** A field has a wrong type, an unknown value or is out of range: 400 naming {@code param}. */
    record InvalidParameter(String param, String code, String message) implements Refusal {
    }

    /** A per-key quota refuses it: 429 with {@code Retry-After}; {@code limit} names it as configured. */
    record QuotaExceeded(String limit, String message, long retryAfterSeconds) implements Refusal {
        public QuotaExceeded {
            retryAfterSeconds = Math.max(1, retryAfterSeconds);
        }
    }

    /** The gateway is at {@code gateway.sessions.max}: 429, retry shortly. */
    record GatewayFull(int max) implements Refusal {
        @Override
        public String message() {
            return "the gateway already has " + max + " open sessions (gateway.sessions.max); close one or retry later";
        }
    }

    /** The session has ended or is ending and takes no more input: 409. */
    record SessionClosed(String sessionId, SessionState state) implements Refusal {
        @Override
        public String message() {
            return "session " + sessionId + " is " + state.wire() + " and accepts no more input";
        }
    }

    /** The gateway is shutting down and takes no new sessions: 503, retry (against another replica). */
    record ShuttingDown() implements Refusal {
        @Override
        public String message() {
            return "the gateway is shutting down and takes no new sessions; retry, another instance will take it";
        }
    }

    /**
     * The upstream refused the session's first connection, or nothing listens where it should: 502, with what
     * the upstream answered.
     */
    record UpstreamUnavailable(String message) implements Refusal {
    }

    /** The session cannot hold more input now (still connecting with its queue full): 503, retry. */
    record SessionBusy(String message) implements Refusal {
    }

    /** Wraps a refusal so that code which must unwind (nested validation, JAX-RS) can carry it. */
    final class Rejected extends RuntimeException {
        private final transient Refusal refusal;

        public Rejected(Refusal refusal) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** Shorthand for {@code new Rejected(new InvalidParameter(...))}. */
    static Rejected invalid(String param, String code, String message) {
        return new Rejected(new InvalidParameter(param, code, message));
    }
}
