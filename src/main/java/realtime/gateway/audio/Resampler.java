package realtime.gateway.audio;

/**
 * Band-limited sample-rate conversion: a Blackman-windowed sinc whose cut-off is the lower of the two
 * Nyquist frequencies, so downsampling filters out what would alias and upsampling adds no images.
 * Quality over speed: it runs on whole uploads, off the event loop.
 */
public final class Resampler {

    /** Filter half-width in input samples at the cut-off (more taps = sharper transition band). */
    private static final int HALF_TAPS = 16;

    private Resampler() {
    }

    public static short[] resample(short[] in, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new AudioFormatException("sample rates must be positive; got " + fromRate + " → " + toRate);
        }
        if (fromRate == toRate || in.length == 0) {
            return in.clone();
        }
        double ratio = (double) toRate / fromRate;
        double cutoff = Math.min(1.0, ratio); // relative to the input Nyquist
        double halfWidth = HALF_TAPS / cutoff; // in input samples
        int outLen = (int) Math.floor(in.length * ratio);
        short[] out = new short[outLen];
        for (int n = 0; n < outLen; n++) {
            double t = n / ratio; // position in input samples
            int start = (int) Math.ceil(t - halfWidth);
            int end = (int) Math.floor(t + halfWidth);
            double acc = 0;
            double norm = 0;
            for (int k = Math.max(start, 0); k <= Math.min(end, in.length - 1); k++) {
                double x = k - t;
                double w = cutoff * sinc(cutoff * x) * blackman(x / halfWidth);
                acc += in[k] * w;
                norm += w;
            }
            double v = norm == 0 ? 0 : acc / norm;
            out[n] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return out;
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Blackman window on [-1, 1]. */
    private static double blackman(double u) {
        if (u <= -1 || u >= 1) {
            return 0;
        }
        double a = Math.PI * (u + 1);
        return 0.42 - 0.5 * Math.cos(a) + 0.08 * Math.cos(2 * a);
    }
}
