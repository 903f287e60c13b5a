package realtime.gateway.session;

import realtime.gateway.event.Details;

/**
 * What sessions report for the operator's numbers. Called from session contexts and event loops, so an
 * implementation must be thread-safe and cheap (no locks, no I/O); {@link #NONE} reports nothing. Tags must
 * stay bounded: nothing here carries a session id or an item id.
 */
public interface SessionMetrics {

    SessionMetrics NONE = new SessionMetrics() {
    };

    /** A session was created on {@code upstream}. */
    default void created(String upstream) {
    }

    /** A session ended in {@code state} ({@code closed} or {@code failed}) for {@code reason}, after {@code ms}. */
    default void ended(String upstream, SessionState state, String reason, long ms) {
    }

    /** An upstream connect attempt ended: open ({@code ok}) or failed, after {@code ms}. */
    default void connect(String upstream, boolean ok, long ms) {
    }

    /** A dropped upstream connection was replaced after {@code downtimeMs}. */
    default void reconnected(String upstream, long downtimeMs) {
    }

    /** A session moved to a fresh connection ahead of the upstream's age limit. */
    default void rotated(String upstream) {
    }

    /** A frame of {@code type} arrived from the upstream. */
    default void upstreamFrame(String upstream, String type) {
    }

    /** The upstream sent an {@code error} with {@code code}. */
    default void upstreamError(String upstream, String code) {
    }

    /** {@code ms} of the caller's audio were handed to the upstream. */
    default void audioSent(String upstream, double ms) {
    }

    /** The upstream reported usage for one transcription with {@code model}. */
    default void usage(String upstream, String model, Details.TranscriptionUsage usage) {
    }

    /** The first delta of a turn arrived {@code ms} after its {@code speech_stopped}. */
    default void firstDelta(String upstream, long ms) {
    }

    /** A turn's {@code completed} arrived {@code ms} after its {@code speech_stopped}. */
    default void completed(String upstream, long ms) {
    }

    /** A subscriber joined ({@code +1}) or left ({@code -1}). */
    default void subscribers(int change) {
    }

    /** One frame was handed to {@code subscribers} subscribers. */
    default void delivered(int subscribers) {
    }

    /** A subscriber was closed with 4008 for falling {@code max-pending} frames behind. */
    default void slowConsumer() {
    }

    /** A subscriber resumed; {@code recovered} when the log still held everything it missed. */
    default void replay(boolean recovered) {
    }

    /** A subscriber's frames handed over and not yet written, sampled once a second. */
    default void subscriberQueue(int frames) {
    }
}
