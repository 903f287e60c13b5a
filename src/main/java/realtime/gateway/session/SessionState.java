package realtime.gateway.session;

import java.util.Locale;

/**
 * {@code connecting → active → closing → closed}; {@code active → reconnecting → active} when the upstream
 * connection drops and is replaced; {@code failed} from any state before closed.
 */
public enum SessionState {
    CONNECTING, ACTIVE, RECONNECTING, CLOSING, CLOSED, FAILED;

    /** True for the two end states. */
    public boolean terminal() {
        return this == CLOSED || this == FAILED;
    }

    /** The lower-case name used on the wire and in REST views. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
