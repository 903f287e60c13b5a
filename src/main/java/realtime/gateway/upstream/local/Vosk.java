package realtime.gateway.upstream.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Resampler;

/** The process's Vosk model and the recognizers made from it, at the engine's rate with word times. */
final class Vosk implements AutoCloseable {

    private final Model model;
    /** One short utterance, at the engine's rate, that a new recognizer decodes before its first turn. */
    private final short[] warmup;

    private Vosk(Model model, short[] warmup) {
        this.model = model;
        this.warmup = warmup;
    }

    /** Extracts the model if this is the first start ({@link ModelFiles}) and loads it. */
    static Vosk load(Optional<String> modelDir) throws IOException {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        Model model = new Model(new ModelFiles(modelDir).extracted().toString());
        try (InputStream in = Vosk.class.getResourceAsStream("/local-engine/warmup-16k.raw")) {
            Pcm pcm = Pcm.fromLittleEndian(in.readAllBytes(), 16000);
            return new Vosk(model, Resampler.resample(pcm.samples(), 16000, LocalEngine.RATE));
        }
    }

    /** A new recognizer as it comes: slow on its first turns, until its graph caches are built. */
    Recognizer cold() {
        try {
            Recognizer r = new Recognizer(model, LocalEngine.RATE);
            r.setWords(true);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("Vosk could not make a recognizer: " + e.getMessage(), e);
        }
    }

    /** A new recognizer that has decoded the warm-up utterance, which builds a first part of its caches. */
    Recognizer warmed() {
        Recognizer r = cold();
        r.acceptWaveForm(warmup, warmup.length);
        r.getFinalResult();
        r.reset();
        return r;
    }

    @Override
    public void close() {
        model.close();
    }
}
