package realtime.gateway.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;

/** The speech detector on real speech (goforward, 24 kHz), on noise and on a tone, with Silero and the energy meter. */
public class SpeechDetectorTest {

    static final SpeechModel SILERO = new SileroModel();
    static final SpeechDetector.Settings DEFAULTS = new SpeechDetector.Settings(0.5, 300, 500);

    static short[] goforward() throws Exception {
        try (InputStream in = SpeechDetectorTest.class.getResourceAsStream("/audio/goforward.wav")) {
            return Wav.parse(in.readAllBytes()).monoAt(Pcm.UPSTREAM_RATE).samples();
        }
    }

    static short[] silence(int ms) {
        return new short[ms * 24];
    }

    static short[] noise(int ms) {
        Random r = new Random(3);
        short[] s = new short[ms * 24];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (r.nextInt(12000) - 6000);
        }
        return s;
    }

    static short[] tone(int ms) {
        short[] s = new short[ms * 24];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 24000.0));
        }
        return s;
    }

    static short[] concat(short[]... parts) {
        int n = 0;
        for (short[] p : parts) {
            n += p.length;
        }
        short[] out = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Runs audio through a detector in 20 ms pieces, as a socket delivers it; returns "start@ms"/"stop@ms". */
    static List<String> events(SpeechModel model, SpeechDetector.Settings settings, short[] audio) {
        List<String> out = new ArrayList<>();
        try (SpeechDetector d = new SpeechDetector(model, 24000, settings, new SpeechDetector.Listener() {
            @Override
            public void started(long paddedStartMs, long speechStartMs) {
                out.add("start@" + speechStartMs);
                assertEquals(Math.max(0, speechStartMs - settings.prefixPaddingMs()), paddedStartMs);
            }

            @Override
            public void stopped(long speechEndMs) {
                out.add("stop@" + speechEndMs);
            }
        })) {
            for (int off = 0; off < audio.length; off += 480) {
                d.accept(java.util.Arrays.copyOfRange(audio, off, Math.min(audio.length, off + 480)));
            }
        }
        return out;
    }

    static long at(String event) {
        return Long.parseLong(event.substring(event.indexOf('@') + 1));
    }

    @Test
    public void sileroFindsTheUtteranceAndItsEnd() throws Exception {
        short[] speech = goforward();
        List<String> e = events(SILERO, DEFAULTS, concat(silence(1000), speech, silence(1000)));
        assertEquals(2, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("start@") && e.get(1).startsWith("stop@"), e.toString());
        long speechMs = speech.length / 24;
        assertTrue(at(e.get(0)) >= 1000 && at(e.get(0)) < 1000 + speechMs / 2, e.toString());
        assertTrue(at(e.get(1)) > at(e.get(0)) + 1000 && at(e.get(1)) <= 1000 + speechMs + 100, e.toString());
    }

    @Test
    public void sileroIgnoresNoiseAndToneWhereALevelMeterDoesNot() {
        short[] nonSpeech = concat(silence(1000), noise(5000), silence(500), tone(3000), silence(1000));
        assertEquals(List.of(), events(SILERO, DEFAULTS, nonSpeech), "no speech in noise or a tone");
        assertTrue(!events(new EnergyModel(), DEFAULTS, nonSpeech).isEmpty(), "the level meter hears both");
    }

    @Test
    public void silenceDurationDecidesWhetherAPauseEndsTheTurn() throws Exception {
        short[] speech = goforward();
        // The clip's own edges leave about 1.1 s between the two utterances.
        short[] twice = concat(silence(500), speech, speech, silence(2500));
        long longPause = events(SILERO, new SpeechDetector.Settings(0.5, 300, 2000), twice).stream()
                .filter(s -> s.startsWith("start")).count();
        long shortPause = events(SILERO, new SpeechDetector.Settings(0.5, 300, 500), twice).stream()
                .filter(s -> s.startsWith("start")).count();
        assertEquals(1, longPause, "a pause shorter than silence_duration_ms stays in the turn");
        assertEquals(2, shortPause, "a longer one ends it");
    }
}
