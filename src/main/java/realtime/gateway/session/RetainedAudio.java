package realtime.gateway.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import realtime.gateway.audio.AudioFormat;

/**
 * The audio a session may have to send again if its upstream drops: what was sent since the last commit,
 * and the audio of each committed turn whose transcription has not arrived yet. Audio of a completed (or
 * failed) turn is let go at once, so what is kept is the pending audio itself; past {@code maxMs} in all,
 * the oldest is let go and counted. Touched only on the session's context.
 */
final class RetainedAudio {

    /** One chunk as it was sent upstream. */
    record Chunk(byte[] audio, AudioFormat format) {
        double ms() {
            return format.millis(audio.length);
        }
    }

    /** The audio of one committed turn. */
    record Turn(String itemId, List<Chunk> chunks) {
    }

    /**
     * What to send again after a reconnect, in order: the committed turns (an item id of null: committed, not
     * yet answered), then what is open.
     */
    record Replay(List<Turn> turns, List<Chunk> open) {
        boolean isEmpty() {
            return turns.isEmpty() && open.isEmpty();
        }
    }

    private final long maxMs;
    private final ArrayDeque<Turn> turns = new ArrayDeque<>();
    /** Buffers the gateway committed whose {@code committed} has not come back yet, oldest first. */
    private final ArrayDeque<List<Chunk>> committing = new ArrayDeque<>();
    private List<Chunk> open = new ArrayList<>();
    private double keptMs;
    private double droppedMs;

    RetainedAudio(long maxMs) {
        this.maxMs = maxMs;
    }

    void sent(byte[] audio, AudioFormat format) {
        Chunk c = new Chunk(audio, format);
        open.add(c);
        keptMs += c.ms();
        while (keptMs > maxMs && dropOldest()) {
            // keep trimming
        }
    }

    /** A commit was sent: what is open up to here is one turn, whatever comes after it. */
    void commitSent() {
        committing.addLast(open);
        open = new ArrayList<>();
    }

    /** The upstream refused a commit (under 100 ms of audio): that buffer is gone upstream. */
    void commitRefused() {
        List<Chunk> refused = committing.pollFirst();
        if (refused != null) {
            forget(refused);
        }
    }

    /**
     * The upstream committed a buffer as {@code itemId}: the oldest one the gateway committed, or, when it
     * committed none (the upstream's VAD did), what is open.
     */
    void committed(String itemId) {
        List<Chunk> audio = committing.pollFirst();
        if (audio == null) {
            audio = open;
            open = new ArrayList<>();
        }
        turns.addLast(new Turn(itemId, audio));
    }

    /** The buffer was cleared: its audio is gone upstream too. */
    void cleared() {
        forget(open);
        open = new ArrayList<>();
    }

    /** {@code itemId} was transcribed (or failed): its audio will not be needed again. */
    void done(String itemId) {
        for (Iterator<Turn> it = turns.iterator(); it.hasNext();) {
            Turn t = it.next();
            if (t.itemId().equals(itemId)) {
                forget(t.chunks());
                it.remove();
                return;
            }
        }
    }

    /** Takes everything kept, for sending again; the log starts empty. */
    Replay take() {
        List<Turn> all = new ArrayList<>(turns);
        committing.forEach(c -> all.add(new Turn(null, c)));
        Replay r = new Replay(all, open);
        turns.clear();
        committing.clear();
        open = new ArrayList<>();
        keptMs = 0;
        return r;
    }

    double keptMs() {
        return keptMs;
    }

    /** Audio let go because more than {@code maxMs} was pending (it cannot be sent again). */
    double droppedMs() {
        return droppedMs;
    }

    private boolean dropOldest() {
        List<Chunk> from = !turns.isEmpty() ? turns.peekFirst().chunks()
                : !committing.isEmpty() ? committing.peekFirst() : open;
        if (from.isEmpty()) {
            if (!turns.isEmpty()) {
                turns.removeFirst();
                return true;
            }
            if (!committing.isEmpty()) {
                committing.removeFirst();
                return true;
            }
            return false;
        }
        Chunk c = from.remove(0);
        keptMs -= c.ms();
        droppedMs += c.ms();
        return true;
    }

    private void forget(List<Chunk> chunks) {
        for (Chunk c : chunks) {
            keptMs -= c.ms();
        }
    }
}
