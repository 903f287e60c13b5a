package realtime.gateway.session;

import java.util.HashSet;
import java.util.Set;

import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.ServerEvent;
import realtime.gateway.event.SystemEvent;
import realtime.gateway.event.TranscriptionEvent;

/**
 * The turns an old upstream connection still owes after a rotation moved the audio to a new one: the items
 * it committed that are not transcribed yet, and the commits it has not answered. Once it owes nothing it
 * can be closed. Touched only on the session's context.
 */
final class Retiring {

    private final Set<String> items;
    private int commits;

    /**
     * @param pendingItems committed turns not yet completed or failed at the move
     * @param commits commits sent to the old connection and not yet answered
     */
    Retiring(Set<String> pendingItems, int commits) {
        this.items = new HashSet<>(pendingItems);
        this.commits = commits;
    }

    /** One event of the old connection. */
    void learn(ServerEvent event) {
        if (event instanceof InputAudioEvent.Committed c) {
            commits = Math.max(0, commits - 1);
            items.add(c.itemId());
        } else if (event instanceof TranscriptionEvent.Completed c) {
            items.remove(c.itemId());
        } else if (event instanceof TranscriptionEvent.Failed f) {
            items.remove(f.itemId());
        } else if (event instanceof SystemEvent.Error e && e.error() != null && e.error().code() != null
                && e.error().code().orElse("").contains("commit_empty")) {
            commits = Math.max(0, commits - 1);
        }
    }

    /** Nothing owed: the connection can close. */
    boolean settled() {
        return commits == 0 && items.isEmpty();
    }

    /** Turns it still owed when it ended. */
    int owed() {
        return items.size() + commits;
    }
}
