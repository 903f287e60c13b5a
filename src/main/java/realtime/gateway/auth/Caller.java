package realtime.gateway.auth;

/** Who made a request, as established from its credential. */
public sealed interface Caller {

    /** Where the access filter leaves the caller in a request's routing context, for routes outside {@code api}. */
    String CONTEXT_KEY = "gateway.caller";

    /** A gateway API key (or, with auth disabled, the anonymous admin). */
    record Key(ApiKey key) implements Caller {
    }

    /** A scoped token: one session, one role. */
    record Token(ScopedToken token) implements Caller {
    }

    /** A session's client secret: opens {@code /v1/realtime} for that session only. */
    record ClientSecret(String sessionId) implements Caller {
    }

    /** A name for logs: the key name, or the kind of credential and its session. */
    default String describe() {
        if (this instanceof Key k) {
            return "key " + k.key().name();
        }
        if (this instanceof Token t) {
            return t.token().role().wire() + " token " + t.token().id();
        }
        return "client secret of " + ((ClientSecret) this).sessionId();
    }
}
