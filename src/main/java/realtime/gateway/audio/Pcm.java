package realtime.gateway.audio;

/**
 * Mono or interleaved 16-bit PCM samples at a sample rate.
 *
 * @param samples interleaved when {@code channels > 1}
 */
public record Pcm(int sampleRate, int channels, short[] samples) {

    /** The upstream's input rate for {@code audio/pcm}. */
    public static final int UPSTREAM_RATE = 24000;

    /** Little-endian PCM16 bytes (mono) into samples; an odd byte count is refused. */
    public static Pcm fromLittleEndian(byte[] bytes, int sampleRate) {
        if (bytes.length % 2 != 0) {
            throw new AudioFormatException("PCM16 audio must have an even number of bytes (2 per sample); got "
                    + bytes.length);
        }
        short[] s = new short[bytes.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] << 8));
        }
        return new Pcm(sampleRate, 1, s);
    }

    /** Samples as little-endian bytes. */
    public byte[] toLittleEndian() {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }

    /** The average of the channels. */
    public Pcm mono() {
        if (channels == 1) {
            return this;
        }
        short[] out = new short[samples.length / channels];
        for (int i = 0; i < out.length; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += samples[i * channels + c];
            }
            out[i] = (short) Math.round((double) sum / channels);
        }
        return new Pcm(sampleRate, 1, out);
    }

    /** Mono at {@code rate}, through {@link Resampler}. */
    public Pcm monoAt(int rate) {
        Pcm m = mono();
        return m.sampleRate == rate ? m : new Pcm(rate, 1, Resampler.resample(m.samples, m.sampleRate, rate));
    }

    /** Duration in milliseconds. */
    public long durationMs() {
        return samples.length / channels * 1000L / sampleRate;
    }
}
