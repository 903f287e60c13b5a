package realtime.gateway.testing;

import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;

/** Synthetic audio for plumbing tests: tone bursts (speech to the fake's energy VAD) and silence. */
public final class TestAudio {

    private TestAudio() {
    }

    /**
     * PCM16 mono at {@code rate}: alternating segments of a 440 Hz tone and silence, each {@code ms} long,
     * starting with a tone.
     */
    public static Pcm toneAndSilence(int rate, int... ms) {
        int total = 0;
        for (int m : ms) {
            total += m * rate / 1000;
        }
        short[] s = new short[total];
        int pos = 0;
        for (int i = 0; i < ms.length; i++) {
            int n = ms[i] * rate / 1000;
            if (i % 2 == 0) {
                for (int k = 0; k < n; k++) {
                    s[pos + k] = (short) (8000 * Math.sin(2 * Math.PI * 440 * k / rate));
                }
            }
            pos += n;
        }
        return new Pcm(rate, 1, s);
    }

    public static byte[] wav(Pcm pcm) {
        return Wav.write(pcm);
    }

    /** Stereo copy of a mono signal (both channels equal). */
    public static Pcm stereo(Pcm mono) {
        short[] out = new short[mono.samples().length * 2];
        for (int i = 0; i < mono.samples().length; i++) {
            out[2 * i] = mono.samples()[i];
            out[2 * i + 1] = mono.samples()[i];
        }
        return new Pcm(mono.sampleRate(), 2, out);
    }
}
