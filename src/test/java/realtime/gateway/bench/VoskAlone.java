package realtime.gateway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Resampler;
import realtime.gateway.audio.Wav;

/**
 * Vosk on its own, in the benchmark's process, on the clips the gateway was just measured on: what the engine
 * costs without the gateway around it, measured in the same run so the two can be compared. A recognizer is
 * warmed as the gateway warms its own (one short utterance) and then fed the clips as the gateway feeds them
 * (24 kHz, 200 ms at a time).
 *
 * <p>Vosk's recognizer caches the parts of its decoding graph it has visited, so its speed depends on what it
 * has heard before. Three figures tell that apart: each clip heard for the first time in order (what the
 * gateway's first pass sees), the same clips again (audio it has decoded before: a floor, not what new speech
 * gets), and each clip held out, on a recognizer warmed by the other clips first (new speech on a recognizer
 * that has been in use).
 */
final class VoskAlone {

    private static final int FEED = Pcm.UPSTREAM_RATE / 5;

    private VoskAlone() {
    }

    static void measure(List<String> clips) throws Exception {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        String dir = System.getenv().getOrDefault("GATEWAY_LOCAL_MODEL_DIR",
                Path.of(System.getProperty("java.io.tmpdir"), "realtime-gateway", "vosk-model-en-0.3.45").toString());
        List<short[]> audio = new ArrayList<>();
        double seconds = 0;
        for (String clip : clips) {
            byte[] wav = LocalEngineBench.resource("/audio/" + clip + ".wav");
            short[] s = Wav.parse(wav).monoAt(Pcm.UPSTREAM_RATE).samples();
            audio.add(s);
            seconds += s.length / (double) Pcm.UPSTREAM_RATE;
        }
        Pcm warmup = Pcm.fromLittleEndian(LocalEngineBench.resource("/local-engine/warmup-16k.raw"), 16000);
        short[] warm = Resampler.resample(warmup.samples(), 16000, Pcm.UPSTREAM_RATE);
        try (Model model = new Model(dir)) {
            double first = 0;
            double again = 0;
            try (Recognizer r = warmed(model, warm)) {
                for (short[] s : audio) {
                    first += decode(r, s);
                }
                for (short[] s : audio) {
                    again += decode(r, s);
                }
            }
            double heldOut = 0;
            for (int held = 0; held < audio.size(); held++) {
                try (Recognizer r = warmed(model, warm)) {
                    for (int i = 0; i < audio.size(); i++) {
                        if (i != held) {
                            decode(r, audio.get(i));
                        }
                    }
                    heldOut += decode(r, audio.get(held));
                }
            }
            System.out.printf("Vosk alone, same clips, same process (no gateway; one recognizer warmed as the gateway's):%n"
                    + "  first hearing RTF %.3f; the same clips again %.3f (decoded before: a floor); each clip held out "
                    + "after the other four %.3f%n", first / seconds, again / seconds, heldOut / seconds);
        }
    }

    private static Recognizer warmed(Model model, short[] warm) throws Exception {
        Recognizer r = new Recognizer(model, Pcm.UPSTREAM_RATE);
        r.setWords(true);
        decode(r, warm);
        return r;
    }

    /** Seconds to decode {@code s} as the gateway feeds it, through the final result. */
    private static double decode(Recognizer r, short[] s) {
        long t0 = System.nanoTime();
        for (int off = 0; off < s.length; off += FEED) {
            int n = Math.min(FEED, s.length - off);
            if (r.acceptWaveForm(Arrays.copyOfRange(s, off, off + n), n)) {
                r.getResult();
            }
        }
        r.getFinalResult();
        r.reset();
        return (System.nanoTime() - t0) / 1e9;
    }
}
