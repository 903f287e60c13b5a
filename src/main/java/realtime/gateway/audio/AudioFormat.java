package realtime.gateway.audio;

/**
 * What a run of audio bytes is: an encoding and a sample rate (always mono). A session's input format is
 * one of {@link #PCM16_24K}, {@link #PCMU} or {@link #PCMA}; uploads may be PCM16 at other rates.
 */
public record AudioFormat(Encoding encoding, int rate) {

    /** Sample encodings the gateway handles. */
    public enum Encoding {
        /** 16-bit signed little-endian PCM. */
        PCM16(2),
        /** G.711 µ-law, one byte per sample. */
        PCMU(1),
        /** G.711 A-law, one byte per sample. */
        PCMA(1);

        private final int bytesPerSample;

        Encoding(int bytesPerSample) {
            this.bytesPerSample = bytesPerSample;
        }

        public int bytesPerSample() {
            return bytesPerSample;
        }
    }

    /** The upstream's {@code audio/pcm}: PCM16 mono 24 kHz. */
    public static final AudioFormat PCM16_24K = new AudioFormat(Encoding.PCM16, Pcm.UPSTREAM_RATE);
    /** {@code audio/pcmu}: G.711 µ-law 8 kHz. */
    public static final AudioFormat PCMU = new AudioFormat(Encoding.PCMU, G711.RATE);
    /** {@code audio/pcma}: G.711 A-law 8 kHz. */
    public static final AudioFormat PCMA = new AudioFormat(Encoding.PCMA, G711.RATE);

    /** Bytes per second of this format. */
    public int bytesPerSecond() {
        return encoding.bytesPerSample() * rate;
    }

    /** Bytes per whole sample (one frame, mono). */
    public int frameBytes() {
        return encoding.bytesPerSample();
    }

    /** Milliseconds of audio in {@code bytes} of this format. */
    public double millis(long bytes) {
        return bytes * 1000.0 / bytesPerSecond();
    }

    /** Decodes bytes of this format into 16-bit samples. */
    public short[] samples(byte[] bytes) {
        return switch (encoding) {
            case PCMU -> G711.decodeUlaw(bytes);
            case PCMA -> G711.decodeAlaw(bytes);
            case PCM16 -> Pcm.fromLittleEndian(bytes, rate).samples();
        };
    }

    /** Encodes mono samples at {@link #rate} into this format. */
    public byte[] encode(short[] samples) {
        return switch (encoding) {
            case PCMU -> G711.ulaw(samples);
            case PCMA -> G711.alaw(samples);
            case PCM16 -> new Pcm(rate, 1, samples).toLittleEndian();
        };
    }
}
