package realtime.gateway.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.ServerEvent;
import realtime.gateway.event.SessionEvent;
import realtime.gateway.event.SystemEvent;
import realtime.gateway.event.TranscriptionEvent;

/**
 * What the main upstream connection holds, as far as the session can tell from what it sent and what the
 * upstream said: audio not yet committed, whether its VAD hears speech, configuration updates not yet
 * confirmed, and (in {@link RetainedAudio}) the audio a replacement connection would need again. Touched only
 * on the session's context.
 */
final class BufferMirror {

    private final EventReactor reactor;
    /** What is kept for a reconnect is the pending audio itself, but never more than 5 minutes of it. */
    private final RetainedAudio retained = new RetainedAudio(300_000);
    /** Audio sent since the last commit or clear (ours or the VAD's), in ms. */
    private double uncommittedMs;
    /** The upstream's VAD heard speech start and not yet stop. */
    private boolean speaking;
    /** The gateway's own configuration updates on the connection not yet confirmed (answered first). */
    private int ownUpdates;
    /** Caller configuration updates sent and not yet confirmed: sent again on a replacement connection. */
    private final ArrayDeque<PendingInput> unconfirmed = new ArrayDeque<>();

    /** What a replacement connection needs, in order, and the items of the turns in it (they get new ids). */
    record Replay(List<PendingInput> inputs, List<String> turns) {
    }

    BufferMirror(EventReactor reactor) {
        this.reactor = reactor;
    }

    void audioSent(byte[] chunk, AudioFormat format) {
        retained.sent(chunk, format);
        uncommittedMs += format.millis(chunk.length);
    }

    void commitSent() {
        reactor.commitSent();
        retained.commitSent();
        uncommittedMs = 0;
    }

    void cleared() {
        uncommittedMs = 0;
        retained.cleared();
    }

    /** At least 100 ms uncommitted: a commit would not be refused as empty. */
    boolean worthCommitting() {
        return uncommittedMs >= 100;
    }

    void ownUpdateSent() {
        ownUpdates++;
    }

    /**
     * Between turns: no speech heard, and nothing sent since the last commit or the upstream's VAD decides
     * turns (what the connection still holds uncommitted is then silence).
     */
    boolean atTurnBoundary() {
        return !speaking && (uncommittedMs == 0 || reactor.config().turnDetection().isPresent());
    }

    /** A new connection (after a drop): it holds nothing yet; the retained audio is what it will need. */
    void newConnection() {
        uncommittedMs = 0;
        speaking = false;
        ownUpdates = 0;
    }

    /** A rotation moved the audio to a new connection: what the old one holds uncommitted stays there. */
    void moved() {
        newConnection();
        retained.cleared();
    }

    void updateSent(PendingInput update) {
        if (!unconfirmed.contains(update)) {
            unconfirmed.add(update);
        }
    }

    /**
     * What a replacement connection needs: the caller's unconfirmed configuration updates (right after the
     * effective configuration), then the retained audio, each pending turn followed by a commit when the
     * caller commits turns ({@code manualCommits}), then the audio since the last commit.
     */
    Replay replay(boolean manualCommits) {
        RetainedAudio.Replay kept = retained.take();
        List<PendingInput> again = new ArrayList<>();
        unconfirmed.forEach(u -> again.add(resend(u)));
        List<String> turns = new ArrayList<>();
        for (RetainedAudio.Turn t : kept.turns()) {
            t.chunks().forEach(c -> again.add(resend(new PendingInput(c.audio(), c.format(), null, null))));
            if (manualCommits) {
                again.add(resend(new PendingInput(null, null, new ClientEvent.InputAudioBufferCommit(null), null)));
            }
            if (t.itemId() != null) {
                turns.add(t.itemId());
            }
        }
        kept.open().forEach(c -> again.add(resend(new PendingInput(c.audio(), c.format(), null, null))));
        return new Replay(again, turns);
    }

    private static PendingInput resend(PendingInput p) {
        p.resend = true;
        return p;
    }

    double retainedMs() {
        return retained.keptMs();
    }

    /**
     * One upstream event; only the main connection's ({@code main}) say anything about the audio being sent
     * now, a retiring one's only settle the turns it still holds.
     */
    void learn(ServerEvent event, boolean main) {
        if (main && event instanceof InputAudioEvent.SpeechStarted) {
            speaking = true;
        } else if (main && event instanceof InputAudioEvent.SpeechStopped) {
            speaking = false;
        }
        if (main && (event instanceof SessionEvent.Updated || event instanceof SessionEvent.TranscriptionUpdated)) {
            if (ownUpdates > 0) {
                ownUpdates--;
            } else {
                unconfirmed.poll(); // a caller's update confirmed: no longer sent again
            }
        }
        if (event instanceof InputAudioEvent.Committed c) {
            if (main) {
                uncommittedMs = 0;
            }
            retained.committed(c.itemId());
        } else if (event instanceof TranscriptionEvent.Completed c) {
            retained.done(c.itemId());
        } else if (event instanceof TranscriptionEvent.Failed f) {
            retained.done(f.itemId());
        } else if (event instanceof SystemEvent.Error e && e.error() != null && e.error().code() != null
                && e.error().code().orElse("").contains("commit_empty")) {
            retained.commitRefused();
        }
    }
}
