package realtime.gateway.session;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A session's lifecycle state machine: {@code connecting → active → closing → closed}, {@code active ⇄
 * reconnecting} while the upstream connection is replaced, or {@code failed} from any state before an end. Every allowed transition is in {@link #NEXT}; anything else is refused.
 * Touched only on the session's own context; {@link #status()} is the immutable view other threads read.
 */
final class Lifecycle {

    /** The allowed transitions. */
    static final Map<SessionState, Set<SessionState>> NEXT = Map.of(
            SessionState.CONNECTING, EnumSet.of(SessionState.ACTIVE, SessionState.CLOSED, SessionState.FAILED),
            SessionState.ACTIVE, EnumSet.of(SessionState.RECONNECTING, SessionState.CLOSING, SessionState.CLOSED,
                    SessionState.FAILED),
            SessionState.RECONNECTING, EnumSet.of(SessionState.ACTIVE, SessionState.CLOSING, SessionState.CLOSED,
                    SessionState.FAILED),
            SessionState.CLOSING, EnumSet.of(SessionState.CLOSED, SessionState.FAILED),
            SessionState.CLOSED, EnumSet.noneOf(SessionState.class),
            SessionState.FAILED, EnumSet.noneOf(SessionState.class));

    private volatile SessionStatus status;
    /** While closing at a limit: when to stop waiting for the last transcriptions ({@code -1}: not draining). */
    private long drainUntil = -1;

    Lifecycle(long now) {
        status = new SessionStatus(SessionState.CONNECTING, "connecting to the upstream", null, now, null);
    }

    SessionStatus status() {
        return status;
    }

    SessionState state() {
        return status.state();
    }

    /** Moves to {@code next}; false (and nothing changes) when the table does not allow it. */
    boolean moveTo(SessionState next, String why, Integer closeCode, long now) {
        SessionStatus s = status;
        if (!NEXT.get(s.state()).contains(next)) {
            return false;
        }
        status = new SessionStatus(next, why, closeCode != null ? closeCode : s.closeCode(), now,
                next.terminal() ? Long.valueOf(now) : null);
        if (next.terminal()) {
            drainUntil = -1;
        }
        return true;
    }

    /** Records the upstream's close code without a transition. */
    void closeCode(int code) {
        SessionStatus s = status;
        status = new SessionStatus(s.state(), s.reason(), code, s.since(), s.closedAt());
    }

    /** Whether the session takes input (audio and client events). */
    boolean acceptsInput() {
        SessionState st = state();
        return st == SessionState.CONNECTING || st == SessionState.ACTIVE || st == SessionState.RECONNECTING;
    }

    void drainUntil(long at) {
        drainUntil = at;
    }

    boolean draining() {
        return drainUntil >= 0;
    }

    long drainDeadline() {
        return drainUntil;
    }

    void drained() {
        drainUntil = -1;
    }
}
