package realtime.gateway.vad;

import java.util.Arrays;

import realtime.gateway.audio.Resampler;

/**
 * Turns audio into speech started / stopped, the way OpenAI's {@code server_vad} reports them: speech starts
 * once windows at or above {@code threshold} last {@link #MIN_SPEECH_MS}, and is reported {@code
 * prefixPaddingMs} earlier; it stops once windows below {@code threshold − 0.15} (hysteresis) last {@code
 * silenceDurationMs}, and is reported at the end of the last speech window. Times are milliseconds of the
 * audio given so far. Audio at any rate is converted to the model's rate window by window. Not thread-safe:
 * one stream, fed in order.
 */
public final class SpeechDetector implements AutoCloseable {

    /** Speech shorter than this does not start a turn (clicks, a cough's edge). */
    public static final long MIN_SPEECH_MS = 60;
    /** How far below the threshold speech must fall to count as silence. */
    public static final double HYSTERESIS = 0.15;

    /** The server VAD's settings, as a session configures them. */
    public record Settings(double threshold, long prefixPaddingMs, long silenceDurationMs) {
    }

    /** What the detector reports; called on the thread that gives it audio. */
    public interface Listener {
        /** Speech began at {@code speechStartMs}; the turn, with its padding, starts at {@code paddedStartMs}. */
        void started(long paddedStartMs, long speechStartMs);

        /** Speech ended at {@code speechEndMs} (reported once the silence lasted {@code silence_duration_ms}). */
        void stopped(long speechEndMs);
    }

    private final SpeechModel model;
    private final SpeechModel.Stream stream;
    private final int inputRate;
    private final Listener listener;
    private Settings settings;
    /** Input samples per model window. */
    private final int inputWindow;
    private short[] pending;
    private int pendingCount;
    private final float[] window;
    /** Input samples consumed by windows so far. */
    private long position;
    private boolean speaking;
    private long runStart = -1;
    private long lastSpeechEnd;

    public SpeechDetector(SpeechModel model, int inputRate, Settings settings, Listener listener) {
        this.model = model;
        this.stream = model.open();
        this.inputRate = inputRate;
        this.settings = settings;
        this.listener = listener;
        this.inputWindow = (int) Math.round((double) model.window() * inputRate / model.rate());
        this.pending = new short[inputWindow];
        this.window = new float[model.window()];
    }

    /** New settings (a session update): speech in progress is forgotten, as a server VAD restarts. */
    public void settings(Settings s) {
        this.settings = s;
        speaking = false;
        runStart = -1;
    }

    /** The detector hears speech now. */
    public boolean speaking() {
        return speaking;
    }

    /** Forgets speech in progress (the buffer was cleared or committed by hand). */
    public void interrupt() {
        speaking = false;
        runStart = -1;
    }

    /** The next audio, in order. */
    public void accept(short[] samples) {
        int i = 0;
        while (i < samples.length) {
            int n = Math.min(samples.length - i, inputWindow - pendingCount);
            System.arraycopy(samples, i, pending, pendingCount, n);
            pendingCount += n;
            i += n;
            if (pendingCount == inputWindow) {
                pendingCount = 0;
                decide(stream.probability(toModel(pending)));
                position += inputWindow;
            }
        }
    }

    private float[] toModel(short[] in) {
        short[] s = inputRate == model.rate() ? in : Resampler.resample(in, inputRate, model.rate());
        int n = Math.min(s.length, window.length);
        for (int k = 0; k < n; k++) {
            window[k] = s[k] / 32768f;
        }
        Arrays.fill(window, n, window.length, 0f);
        return window;
    }

    private void decide(float p) {
        long start = position;
        long end = position + inputWindow;
        if (!speaking) {
            if (p < settings.threshold()) {
                runStart = -1;
                return;
            }
            if (runStart < 0) {
                runStart = start;
            }
            if (ms(end - runStart) >= MIN_SPEECH_MS) {
                speaking = true;
                lastSpeechEnd = end;
                long speechStart = ms(runStart);
                listener.started(Math.max(0, speechStart - settings.prefixPaddingMs()), speechStart);
            }
            return;
        }
        if (p >= settings.threshold() - HYSTERESIS) {
            lastSpeechEnd = end;
        } else if (ms(end - lastSpeechEnd) >= settings.silenceDurationMs()) {
            speaking = false;
            runStart = -1;
            listener.stopped(ms(lastSpeechEnd));
        }
    }

    private long ms(long samples) {
        return samples * 1000 / inputRate;
    }

    @Override
    public void close() {
        stream.close();
    }
}
