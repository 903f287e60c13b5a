package realtime.gateway.vad;

/**
 * Gives the probability that a window of audio is speech. A model is shared by every stream; each stream
 * keeps its own state in a {@link Stream}.
 */
public interface SpeechModel {

    /** The sample rate windows are given at. */
    int rate();

    /** Samples per window. */
    int window();

    /** A new stream with its own state. */
    Stream open();

    /** The state of one audio stream: windows must be given in order. Not thread-safe. */
    interface Stream extends AutoCloseable {

        /** The speech probability (0..1) of the next {@link #window()} samples, scaled to −1..1. */
        float probability(float[] window);

        @Override
        void close();
    }
}
