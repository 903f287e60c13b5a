package realtime.gateway.session;

import java.util.List;
import java.util.Optional;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.Session;

/**
 * What a transcription session is configured with, inside the gateway: every value resolved (defaults
 * filled in once, here), each feature either on with its settings or off. The wire shapes
 * ({@link Session}, GA or beta) are mapped to and from this only at the edges.
 *
 * @param transcription empty when transcription is off ({@code null} on the wire)
 * @param turnDetection empty when turn detection is off: only commits make turns
 * @param noiseReduction {@code near_field}, {@code far_field}, or empty for off
 * @param include empty when the caller set none; present (even empty) when set
 */
public record TranscriptionConfig(
        AudioFormat format,
        Optional<Transcription> transcription,
        Optional<TurnDetection> turnDetection,
        Optional<String> noiseReduction,
        Optional<List<String>> include) {

    /** Transcription settings; {@code null} components are unset and stay off the wire. */
    public record Transcription(String model, String language, String prompt, List<String> languages,
            List<String> keywords, String delay) {
    }

    /** Turn detection; {@code idleTimeoutMs} and {@code eagerness} are {@code null} when unset. */
    public record TurnDetection(String type, double threshold, int prefixPaddingMs, int silenceDurationMs,
            Integer idleTimeoutMs, String eagerness) {

        /** Server VAD with the protocol's defaults. */
        public static TurnDetection serverVad() {
            return new TurnDetection(Session.TurnDetection.SERVER_VAD, Session.TurnDetection.DEFAULT_THRESHOLD,
                    Session.TurnDetection.DEFAULT_PREFIX_PADDING_MS, Session.TurnDetection.DEFAULT_SILENCE_DURATION_MS,
                    null, null);
        }
    }

    /** A new session's configuration when the caller sent none. */
    public static TranscriptionConfig defaults(String defaultModel) {
        return of(Session.transcription(Session.TYPE_TRANSCRIPTION, null, null), defaultModel);
    }

    /**
     * The configuration a GA transcription config asks for, with the gateway's defaults where it is silent:
     * PCM16 24 kHz, {@code defaultModel}, server VAD 0.5 / 300 ms / 500 ms. An explicit {@code null} turns a
     * feature off. The config must have passed {@link ConfigValidation}.
     */
    public static TranscriptionConfig of(Session ga, String defaultModel) {
        Session.AudioInput in = ga.audio() == null || ga.audio().input() == null
                ? new Session.AudioInput(null, null, null, null)
                : ga.audio().input();
        Optional<Transcription> transcription = in.transcription() == null
                ? Optional.of(new Transcription(defaultModel, null, null, null, null, null))
                : in.transcription().map(t -> new Transcription(t.model() == null ? defaultModel : t.model(),
                        value(t.language()), value(t.prompt()), t.languages(), t.keywords(), t.delay()));
        Optional<TurnDetection> turn = in.turnDetection() == null
                ? Optional.of(TurnDetection.serverVad())
                : in.turnDetection().map(TranscriptionConfig::turn);
        Optional<String> noise = in.noiseReduction() == null ? Optional.empty()
                : in.noiseReduction().map(Session.NoiseReduction::type);
        return new TranscriptionConfig(format(in.format()), transcription, turn, noise,
                ga.include() == null ? Optional.empty() : ga.include());
    }

    /** This configuration after a GA update: absent keys unchanged, {@code null} off, values replaced. */
    public TranscriptionConfig updatedWith(Session ga, String defaultModel) {
        Session.AudioInput in = ga.audio() == null ? null : ga.audio().input();
        if (in == null) {
            return ga.include() == null ? this
                    : new TranscriptionConfig(format, transcription, turnDetection, noiseReduction, ga.include());
        }
        TranscriptionConfig given = of(ga, defaultModel);
        return new TranscriptionConfig(in.format() == null ? format : given.format,
                in.transcription() == null ? transcription : given.transcription,
                in.turnDetection() == null ? turnDetection : given.turnDetection,
                in.noiseReduction() == null ? noiseReduction : given.noiseReduction,
                ga.include() == null ? include : given.include);
    }

    /** The GA wire shape, every key explicit ({@code null} for a feature that is off). */
    public Session toWire() {
        Session.AudioFormat f = new Session.AudioFormat(wireType(format),
                format.encoding() == AudioFormat.Encoding.PCM16 ? format.rate() : null);
        Optional<Session.AudioTranscription> t = transcription.map(x -> new Session.AudioTranscription(x.model(),
                x.language() == null ? null : Optional.of(x.language()),
                x.prompt() == null ? null : Optional.of(x.prompt()), x.languages(), x.keywords(), x.delay()));
        Optional<Session.TurnDetection> td = turnDetection.map(x -> {
            boolean server = Session.TurnDetection.SERVER_VAD.equals(x.type());
            return new Session.TurnDetection(x.type(), server ? x.threshold() : null,
                    server ? x.prefixPaddingMs() : null, server ? x.silenceDurationMs() : null,
                    x.idleTimeoutMs() == null ? null : Optional.of(x.idleTimeoutMs()), x.eagerness(), null, null);
        });
        Optional<Session.NoiseReduction> nr = noiseReduction.map(Session.NoiseReduction::new);
        return Session.transcription(Session.TYPE_TRANSCRIPTION,
                new Session.Audio(new Session.AudioInput(f, t, nr, td), null), include.isEmpty() ? null : include);
    }

    /** The session's input format from a wire format; PCM is always 24 kHz (validated). */
    public static AudioFormat format(Session.AudioFormat wire) {
        if (wire == null || wire.type() == null) {
            return AudioFormat.PCM16_24K;
        }
        return switch (wire.type()) {
            case Session.AudioFormat.PCMU -> AudioFormat.PCMU;
            case Session.AudioFormat.PCMA -> AudioFormat.PCMA;
            default -> AudioFormat.PCM16_24K;
        };
    }

    /** The GA {@code type} of a session input format. */
    public static String wireType(AudioFormat format) {
        return switch (format.encoding()) {
            case PCMU -> Session.AudioFormat.PCMU;
            case PCMA -> Session.AudioFormat.PCMA;
            case PCM16 -> Session.AudioFormat.PCM;
        };
    }

    private static TurnDetection turn(Session.TurnDetection t) {
        String type = t.type() == null ? Session.TurnDetection.SERVER_VAD : t.type();
        Integer idle = t.idleTimeoutMs() == null ? null : t.idleTimeoutMs().orElse(null);
        if (!Session.TurnDetection.SERVER_VAD.equals(type)) {
            // semantic_vad has no threshold or timings of its own; they are kept at the defaults, unused.
            TurnDetection d = TurnDetection.serverVad();
            return new TurnDetection(type, d.threshold(), d.prefixPaddingMs(), d.silenceDurationMs(), idle,
                    t.eagerness());
        }
        return new TurnDetection(type,
                t.threshold() == null ? Session.TurnDetection.DEFAULT_THRESHOLD : t.threshold(),
                t.prefixPaddingMs() == null ? Session.TurnDetection.DEFAULT_PREFIX_PADDING_MS : t.prefixPaddingMs(),
                t.silenceDurationMs() == null ? Session.TurnDetection.DEFAULT_SILENCE_DURATION_MS
                        : t.silenceDurationMs(),
                idle, null);
    }

    private static String value(Optional<String> three) {
        return three == null ? null : three.orElse(null);
    }
}
