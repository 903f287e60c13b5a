package realtime.gateway.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** WAV parsing, down-mixing, band-limited resampling and G.711. */
class AudioTest {

    static short[] sine(double freq, int rate, int n, double amp) {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = (short) Math.round(amp * Math.sin(2 * Math.PI * freq * i / rate));
        }
        return s;
    }

    /** RMS of the middle half (skips filter edges). */
    static double rms(short[] s) {
        double sum = 0;
        int from = s.length / 4;
        int to = 3 * s.length / 4;
        for (int i = from; i < to; i++) {
            sum += (double) s[i] * s[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    @Test
    void wavRoundTripsAndStereoDownMixes() {
        short[] stereo = { 100, 300, -200, -400, 0, 2 };
        Pcm parsed = Wav.parse(Wav.write(new Pcm(44100, 2, stereo)));
        assertEquals(44100, parsed.sampleRate());
        assertEquals(2, parsed.channels());
        assertArrayEquals(stereo, parsed.samples());
        assertArrayEquals(new short[] { 200, -300, 1 }, parsed.mono().samples());
    }

    @Test
    void brokenWavFilesSayWhatIsWrong() {
        assertEquals("not a WAV file: expected a RIFF/WAVE header",
                assertThrows(AudioFormatException.class, () -> Wav.parse(new byte[] { 1, 2, 3 })).getMessage());
        byte[] noData = java.util.Arrays.copyOf(Wav.write(new Pcm(16000, 1, new short[0])), 36);
        assertEquals("WAV file has no 'data' chunk",
                assertThrows(AudioFormatException.class, () -> Wav.parse(noData)).getMessage());
        byte[] floatWav = Wav.write(new Pcm(16000, 1, new short[4]));
        floatWav[20] = 3; // IEEE float
        assertTrue(assertThrows(AudioFormatException.class, () -> Wav.parse(floatWav)).getMessage()
                .contains("only 16-bit PCM"));
    }

    @Test
    void oddPcmByteCountIsRefused() {
        assertThrows(AudioFormatException.class, () -> Pcm.fromLittleEndian(new byte[3], 24000));
    }

    @Test
    void upsamplingKeepsAToneAndItsLevel() {
        short[] in = sine(1000, 16000, 16000, 10000);
        short[] out = Resampler.resample(in, 16000, 24000);
        assertEquals(24000, out.length);
        assertEquals(rms(in), rms(out), rms(in) * 0.02);
        short[] ref = sine(1000, 24000, 24000, 10000);
        double err = 0;
        for (int i = 6000; i < 18000; i++) {
            err += Math.abs(out[i] - ref[i]);
        }
        assertTrue(err / 12000 < 100, "mean error " + err / 12000);
    }

    @Test
    void downsamplingFiltersWhatWouldAlias() {
        // 20 kHz at 48 kHz would fold to 4 kHz at 24 kHz; a proper filter removes it.
        short[] alias = Resampler.resample(sine(20000, 48000, 48000, 10000), 48000, 24000);
        short[] pass = Resampler.resample(sine(3000, 48000, 48000, 10000), 48000, 24000);
        assertTrue(rms(alias) < 100, "aliased energy " + rms(alias));
        assertEquals(rms(sine(3000, 24000, 24000, 10000)), rms(pass), 200);
    }

    @Test
    void g711EncodesKnownValues() {
        assertArrayEquals(new byte[] { (byte) 0xff, (byte) 0x7f, (byte) 0x80, 0x00 },
                G711.ulaw(new short[] { 0, -1, 32767, -32768 }));
        assertArrayEquals(new byte[] { (byte) 0xd5, 0x55, (byte) 0xaa, 0x2a },
                G711.alaw(new short[] { 0, -1, 32767, -32768 }));
    }
}
