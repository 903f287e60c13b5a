package realtime.gateway.session;

import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import realtime.gateway.audio.Pcm;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.Session;

/**
 * Checks transcription configurations from callers (REST create bodies in both dialects, and
 * {@code session.update} / {@code transcription_session.update} from producers) against the protocol's
 * values and ranges. Every refusal is an {@link Refusal.InvalidParameter} naming the field in the
 * caller's own dialect and saying what to send instead.
 */
public final class ConfigValidation {

    static final Set<String> FORMATS = Set.of(Session.AudioFormat.PCM, Session.AudioFormat.PCMU,
            Session.AudioFormat.PCMA);
    static final Set<String> VAD_TYPES = Set.of(Session.TurnDetection.SERVER_VAD, Session.TurnDetection.SEMANTIC_VAD);
    static final Set<String> EAGERNESS = Set.of("low", "medium", "high", "auto");
    static final Set<String> NOISE = Set.of("near_field", "far_field");
    static final Set<String> INCLUDE = Set.of("item.input_audio_transcription.logprobs");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

    /** How GA field paths are named in the beta dialect. */
    public static final UnaryOperator<String> BETA_NAMES = p -> p
            .replace("audio.input.format", "input_audio_format")
            .replace("audio.input.transcription", "input_audio_transcription")
            .replace("audio.input.turn_detection", "turn_detection")
            .replace("audio.input.noise_reduction", "input_audio_noise_reduction");

    private ConfigValidation() {
    }

    /**
     * A producer's configuration update, checked and in the GA shape ({@code session.update} with a GA
     * session), whichever dialect it came in.
     *
     * @throws Refusal.Rejected with the field to fix
     */
    public static ClientEvent.SessionUpdate update(ClientEvent event) {
        if (event instanceof ClientEvent.SessionUpdate u) {
            Session s = u.session();
            if (s == null) {
                throw Refusal.invalid("session", "missing_required_parameter", "Missing required parameter: 'session'.");
            }
            if (!Dialects.isGa(s)) {
                return new ClientEvent.SessionUpdate(u.eventId(), betaToGa(s, "session."));
            }
            if (!Session.TYPE_TRANSCRIPTION.equals(s.type())) {
                throw Refusal.invalid("session.type", "invalid_value",
                        "This is a transcription session: session.type must be \"transcription\".");
            }
            validate(s, p -> "session." + p);
            return u;
        }
        if (event instanceof ClientEvent.TranscriptionSessionUpdate u) {
            if (u.session() == null) {
                throw Refusal.invalid("session", "missing_required_parameter", "Missing required parameter: 'session'.");
            }
            return new ClientEvent.SessionUpdate(u.eventId(), betaToGa(u.session(), "session."));
        }
        throw new IllegalArgumentException("not a configuration update: " + event.type());
    }

    /**
     * Validates a beta transcription config (REST a.1 body or {@code transcription_session.update} session)
     * and maps it to the GA shape; refusals name beta fields under {@code prefix}.
     */
    public static Session betaToGa(Session beta, String prefix) {
        if (beta.inputAudioFormat() != null) {
            oneOf(beta.inputAudioFormat(), Set.of(Dialects.PCM16, Dialects.G711_ULAW, Dialects.G711_ALAW),
                    prefix + "input_audio_format");
        }
        Session ga = Dialects.toGa(beta);
        validate(ga, p -> prefix + BETA_NAMES.apply(p));
        return ga;
    }

    /**
     * Checks a GA transcription config (or update). Absent keys are fine (unchanged), {@code null} turns a
     * feature off, values are checked.
     *
     * @param names maps a GA path ({@code audio.input.turn_detection.threshold}) to the caller's name
     */
    public static void validate(Session ga, UnaryOperator<String> names) {
        if (ga.include() != null && ga.include().isPresent()) {
            for (String i : ga.include().get()) {
                oneOf(i, INCLUDE, names.apply("include"));
            }
        }
        Session.AudioInput in = ga.audio() == null ? null : ga.audio().input();
        if (in == null) {
            return;
        }
        if (in.format() != null) {
            String p = names.apply("audio.input.format");
            String typeParam = p.equals("input_audio_format") ? p : p + ".type";
            if (in.format().type() == null) {
                throw Refusal.invalid(typeParam, "missing_required_parameter",
                        "Missing audio format type: use audio/pcm, audio/pcmu or audio/pcma.");
            }
            oneOf(in.format().type(), FORMATS, typeParam);
            Integer rate = in.format().rate();
            if (Session.AudioFormat.PCM.equals(in.format().type()) && rate != null && rate != Pcm.UPSTREAM_RATE) {
                throw Refusal.invalid(p + ".rate", rate < Pcm.UPSTREAM_RATE ? "integer_below_min_value" : "integer_above_max_value",
                        "Invalid rate " + rate
                                + ": audio/pcm input must be 24000 Hz (post WAV to /v1/sessions/{id}/audio to resample).");
            }
        }
        if (in.transcription() != null && in.transcription().isPresent()) {
            Session.AudioTranscription t = in.transcription().get();
            String p = names.apply("audio.input.transcription");
            if (t.model() != null && t.model().isBlank()) {
                throw Refusal.invalid(p + ".model", "invalid_value", "The transcription model must not be empty.");
            }
            String language = t.language() == null ? null : t.language().orElse(null);
            if (language != null && !language.isEmpty() && !LANGUAGE.matcher(language).matches()) {
                throw Refusal.invalid(p + ".language", "invalid_value", "Invalid '" + p + ".language': '" + language
                        + "' is not an ISO-639-1 code; use e.g. \"en\" or \"de\".");
            }
        }
        if (in.noiseReduction() != null && in.noiseReduction().isPresent()) {
            oneOf(in.noiseReduction().get().type(), NOISE, names.apply("audio.input.noise_reduction") + ".type");
        }
        if (in.turnDetection() != null && in.turnDetection().isPresent()) {
            Session.TurnDetection td = in.turnDetection().get();
            String p = names.apply("audio.input.turn_detection");
            if (td.type() != null) {
                oneOf(td.type(), VAD_TYPES, p + ".type");
            }
            range(td.threshold(), 0.0, 1.0, p + ".threshold");
            range(td.prefixPaddingMs(), 0, 10_000, p + ".prefix_padding_ms");
            range(td.silenceDurationMs(), 0, 10_000, p + ".silence_duration_ms");
            if (td.idleTimeoutMs() != null && td.idleTimeoutMs().isPresent()) {
                range(td.idleTimeoutMs().get(), 5_000, 30_000, p + ".idle_timeout_ms");
            }
            if (td.eagerness() != null) {
                oneOf(td.eagerness(), EAGERNESS, p + ".eagerness");
            }
        }
    }

    /** Refuses a value not in {@code allowed}, listing what is. */
    public static void oneOf(String value, Set<String> allowed, String param) {
        if (value == null || !allowed.contains(value)) {
            throw Refusal.invalid(param, "invalid_value", "Invalid value for '" + param + "': '" + value
                    + "'. Supported values are: "
                    + String.join(", ", allowed.stream().sorted().map(s -> "'" + s + "'").toList()) + ".");
        }
    }

    /** Refuses a number outside {@code [min, max]}; {@code null} passes. */
    public static void range(Number v, double min, double max, String param) {
        if (v == null) {
            return;
        }
        double d = v.doubleValue();
        if (d < min) {
            throw Refusal.invalid(param, v instanceof Double ? "decimal_below_min_value" : "integer_below_min_value",
                    "Invalid '" + param + "': " + v + " is below the minimum of " + fmt(min) + ".");
        }
        if (d > max) {
            throw Refusal.invalid(param, v instanceof Double ? "decimal_above_max_value" : "integer_above_max_value",
                    "Invalid '" + param + "': " + v + " is above the maximum of " + fmt(max) + ".");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
