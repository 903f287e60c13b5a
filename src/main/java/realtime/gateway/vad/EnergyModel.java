package realtime.gateway.vad;

/**
 * A level meter standing in for a speech model where ONNX Runtime is not available: the window's RMS level
 * mapped linearly from −70 dBFS (0) to −20 dBFS (1), so a {@code threshold} of 0.5 means −45 dBFS. It
 * cannot tell speech from noise or tones; {@link SileroModel} can.
 */
public final class EnergyModel implements SpeechModel {

    @Override
    public int rate() {
        return 16000;
    }

    @Override
    public int window() {
        return 160;
    }

    @Override
    public Stream open() {
        return new Stream() {
            @Override
            public float probability(float[] window) {
                double sum = 0;
                for (float s : window) {
                    sum += (double) s * s;
                }
                double dbfs = 20 * Math.log10(Math.max(Math.sqrt(sum / window.length), 1e-9));
                return (float) Math.max(0, Math.min(1, (dbfs + 70) / 50));
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
