package realtime.gateway.api;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import realtime.gateway.config.GatewayConfig;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Session;

/**
 * Validates transcription configurations from callers (REST bodies in both dialects, and
 * {@code session.update} from producers) and fills in the gateway's defaults. Every refusal names the
 * field in the caller's own dialect and says what to send instead.
 */
@ApplicationScoped
public class TranscriptionConfigs {

    static final Set<String> FORMATS = Set.of(Session.AudioFormat.PCM, Session.AudioFormat.PCMU,
            Session.AudioFormat.PCMA);
    static final Set<String> VAD_TYPES = Set.of(Session.TurnDetection.SERVER_VAD, Session.TurnDetection.SEMANTIC_VAD);
    static final Set<String> EAGERNESS = Set.of("low", "medium", "high", "auto");
    static final Set<String> NOISE = Set.of("near_field", "far_field");
    static final Set<String> INCLUDE = Set.of("item.input_audio_transcription.logprobs");
    static final Set<String> MODALITIES = Set.of("text", "audio");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

    private static final Set<String> BETA_KEYS = Set.of("modalities", "input_audio_format", "input_audio_transcription",
            "turn_detection", "input_audio_noise_reduction", "include", "client_secret");
    private static final Set<String> GA_KEYS = Set.of("expires_after", "session");
    private static final Set<String> GA_SESSION_KEYS = Set.of("type", "audio", "include");
    private static final Set<String> AUDIO_KEYS = Set.of("input");
    private static final Set<String> INPUT_KEYS = Set.of("format", "transcription", "noise_reduction", "turn_detection");
    private static final Set<String> TRANSCRIPTION_KEYS = Set.of("model", "language", "prompt", "languages",
            "keywords", "delay");
    private static final Set<String> TURN_KEYS = Set.of("type", "threshold", "prefix_padding_ms",
            "silence_duration_ms", "idle_timeout_ms", "eagerness", "create_response", "interrupt_response");

    /** How GA field paths are named in the beta dialect. */
    public static final UnaryOperator<String> BETA_NAMES = p -> p
            .replace("audio.input.format", "input_audio_format")
            .replace("audio.input.transcription", "input_audio_transcription")
            .replace("audio.input.turn_detection", "turn_detection")
            .replace("audio.input.noise_reduction", "input_audio_noise_reduction");

    /** A validated effective configuration and the lifetime of its client secret. */
    public record Accepted(Session config, Duration secretTtl) {
    }

    private final ObjectMapper mapper = RealtimeCodec.newMapper();
    private final GatewayConfig config;

    public TranscriptionConfigs(GatewayConfig config) {
        this.config = config;
    }

    /** Parses and validates a beta REST body ({@code null} or empty = {@code {}}). */
    public Accepted fromBeta(String body) {
        JsonNode tree = parse(body);
        checkKeys(tree, BETA_KEYS, "");
        checkNested(tree.get("input_audio_transcription"), TRANSCRIPTION_KEYS, "input_audio_transcription.");
        checkNested(tree.get("turn_detection"), TURN_KEYS, "turn_detection.");
        CreateRequests.Beta req = bind(tree, CreateRequests.Beta.class, UnaryOperator.identity());
        if (req.modalities() != null) {
            for (String m : req.modalities()) {
                oneOf(m, MODALITIES, "modalities");
            }
        }
        Session ga = betaToGa(Session.betaTranscription(req.inputAudioFormat(), req.inputAudioTranscription(),
                req.turnDetection(), req.inputAudioNoiseReduction(), req.include()), "");
        Integer seconds = req.clientSecret() == null || req.clientSecret().expiresAt() == null ? null
                : expiry(req.clientSecret().expiresAt(), "client_secret.expires_at");
        return new Accepted(effective(ga), ttl(seconds));
    }

    /**
     * Validates a beta transcription config (REST a.1 body or {@code transcription_session.update} session)
     * and maps it to the GA shape; error params are beta names under {@code prefix}.
     */
    public Session betaToGa(Session beta, String prefix) {
        if (beta.inputAudioFormat() != null) {
            oneOf(beta.inputAudioFormat(), Set.of(Dialects.PCM16, Dialects.G711_ULAW, Dialects.G711_ALAW),
                    prefix + "input_audio_format");
        }
        Session ga = Dialects.toGa(beta);
        validate(ga, p -> prefix + BETA_NAMES.apply(p));
        return ga;
    }

    /** Parses and validates a GA {@code client_secrets} body; only {@code session.type: transcription}. */
    public Accepted fromGa(String body) {
        JsonNode tree = parse(body);
        checkKeys(tree, GA_KEYS, "");
        JsonNode session = tree.get("session");
        if (session != null && session.isObject()) {
            JsonNode type = session.get("type");
            if (type == null || !Session.TYPE_TRANSCRIPTION.equals(type.asText())) {
                throw ApiException.invalid("session.type", type == null ? "missing_required_parameter" : "invalid_value",
                        "This gateway creates transcription sessions only: set session.type to \"transcription\""
                                + (type == null ? "." : " (got " + type + ")."));
            }
            checkKeys(session, GA_SESSION_KEYS, "session.");
            JsonNode audio = session.get("audio");
            checkNested(audio, AUDIO_KEYS, "session.audio.");
            JsonNode input = audio == null ? null : audio.get("input");
            checkNested(input, INPUT_KEYS, "session.audio.input.");
            if (input != null) {
                checkNested(input.get("transcription"), TRANSCRIPTION_KEYS, "session.audio.input.transcription.");
                checkNested(input.get("turn_detection"), TURN_KEYS, "session.audio.input.turn_detection.");
            }
        }
        CreateRequests.Ga req = bind(tree, CreateRequests.Ga.class, UnaryOperator.identity());
        Session ga = req.session() == null
                ? Session.transcription(Session.TYPE_TRANSCRIPTION, null, null)
                : req.session();
        if (ga.type() == null || !Session.TYPE_TRANSCRIPTION.equals(ga.type())) {
            throw ApiException.invalid("session.type", ga.type() == null ? "missing_required_parameter" : "invalid_value",
                    "This gateway creates transcription sessions only: set session.type to \"transcription\""
                            + (ga.type() == null ? "." : " (got \"" + ga.type() + "\")."));
        }
        validate(ga, p -> "session." + p);
        Integer seconds = req.expiresAfter() == null ? null : expiry(req.expiresAfter(), "expires_after");
        return new Accepted(effective(ga), ttl(seconds));
    }

    /**
     * Checks a GA transcription config (or update) against the protocol's values and ranges.
     *
     * @param names maps a GA path ({@code audio.input.turn_detection.threshold}) to the caller's name
     */
    public void validate(Session ga, UnaryOperator<String> names) {
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
            if (in.format().type() == null) {
                throw ApiException.invalid(p.equals("input_audio_format") ? p : p + ".type", "missing_required_parameter",
                        "Missing audio format type: use audio/pcm, audio/pcmu or audio/pcma.");
            }
            oneOf(in.format().type(), FORMATS, p.equals("input_audio_format") ? p : p + ".type");
            if (Session.AudioFormat.PCM.equals(in.format().type()) && in.format().rate() != null
                    && in.format().rate() != 24000) {
                throw ApiException.invalid(p + ".rate", in.format().rate() < 24000 ? "integer_below_min_value"
                        : "integer_above_max_value", "Invalid rate " + in.format().rate()
                                + ": audio/pcm input must be 24000 Hz (post WAV to /v1/sessions/{id}/audio to resample).");
            }
        }
        if (in.transcription() != null && in.transcription().isPresent()) {
            Session.AudioTranscription t = in.transcription().get();
            String p = names.apply("audio.input.transcription");
            if (t.model() != null && t.model().isBlank()) {
                throw ApiException.invalid(p + ".model", "invalid_value", "The transcription model must not be empty.");
            }
            Optional.ofNullable(t.language()).flatMap(l -> l).filter(l -> !l.isEmpty() && !LANGUAGE.matcher(l).matches()).ifPresent(l -> {
                throw ApiException.invalid(p + ".language", "invalid_value",
                        "Invalid '" + p + ".language': '" + l + "' is not an ISO-639-1 code; use e.g. \"en\" or \"de\".");
            });
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

    /** The configuration a new session starts with: the caller's, with the gateway's defaults filled in. */
    Session effective(Session ga) {
        Session.AudioInput in = ga.audio() == null || ga.audio().input() == null
                ? new Session.AudioInput(null, null, null, null)
                : ga.audio().input();
        Session.AudioFormat format = in.format() == null || in.format().type() == null
                ? new Session.AudioFormat(Session.AudioFormat.PCM, 24000)
                : Session.AudioFormat.PCM.equals(in.format().type())
                        ? new Session.AudioFormat(Session.AudioFormat.PCM, 24000)
                        : in.format();
        Optional<Session.AudioTranscription> transcription;
        if (in.transcription() == null) {
            transcription = Optional.of(new Session.AudioTranscription(
                    config.upstream().defaultTranscriptionModel(), null, null, null, null, null));
        } else if (in.transcription().isPresent() && in.transcription().get().model() == null) {
            Session.AudioTranscription t = in.transcription().get();
            transcription = Optional.of(new Session.AudioTranscription(config.upstream().defaultTranscriptionModel(),
                    t.language(), t.prompt(), t.languages(), t.keywords(), t.delay()));
        } else {
            transcription = in.transcription();
        }
        Optional<Session.TurnDetection> turn;
        if (in.turnDetection() == null) {
            turn = Optional.of(new Session.TurnDetection(Session.TurnDetection.SERVER_VAD, 0.5, 300, 500, null,
                    null, null, null));
        } else if (in.turnDetection().isPresent() && Session.TurnDetection.SERVER_VAD.equals(
                Optional.ofNullable(in.turnDetection().get().type()).orElse(Session.TurnDetection.SERVER_VAD))) {
            Session.TurnDetection t = in.turnDetection().get();
            turn = Optional.of(new Session.TurnDetection(Session.TurnDetection.SERVER_VAD,
                    t.threshold() == null ? 0.5 : t.threshold(),
                    t.prefixPaddingMs() == null ? 300 : t.prefixPaddingMs(),
                    t.silenceDurationMs() == null ? 500 : t.silenceDurationMs(), t.idleTimeoutMs(), null, null, null));
        } else {
            turn = in.turnDetection();
        }
        Optional<Session.NoiseReduction> noise = in.noiseReduction() == null ? Optional.empty() : in.noiseReduction();
        return Session.transcription(Session.TYPE_TRANSCRIPTION,
                new Session.Audio(new Session.AudioInput(format, transcription, noise, turn), null), ga.include());
    }

    private Duration ttl(Integer seconds) {
        return seconds == null ? config.sessions().clientSecretTtl() : Duration.ofSeconds(seconds);
    }

    private static Integer expiry(CreateRequests.ExpiresAfter e, String param) {
        if (e.anchor() != null && !"created_at".equals(e.anchor())) {
            throw ApiException.invalid(param + ".anchor", "invalid_value",
                    "Invalid anchor '" + e.anchor() + "': the only supported value is \"created_at\".");
        }
        if (e.seconds() != null) {
            range(e.seconds(), 10, 7200, param + ".seconds");
        }
        return e.seconds();
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return mapper.createObjectNode();
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "invalid_json",
                    "The body is not valid JSON (" + e.getOriginalMessage() + "); send a JSON object.");
        }
        if (!tree.isObject()) {
            throw ApiException.invalid(null, "invalid_json", "The body must be a JSON object.");
        }
        return tree;
    }

    private <T> T bind(JsonNode tree, Class<T> type, UnaryOperator<String> names) {
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            String path = RealtimeCodec.pathOf(e);
            String msg = e.getOriginalMessage();
            int cut = msg.indexOf(" (for ");
            throw ApiException.invalid(path == null ? null : names.apply(path), "invalid_type",
                    "Invalid type for '" + (path == null ? "body" : names.apply(path)) + "': "
                            + (cut > 0 ? msg.substring(0, cut) : msg));
        }
    }

    private static void checkNested(JsonNode node, Set<String> allowed, String prefix) {
        if (node != null && node.isObject()) {
            checkKeys(node, allowed, prefix);
        }
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            String key = it.next().getKey();
            if (!allowed.contains(key)) {
                throw ApiException.invalid(prefix + key, "unknown_parameter",
                        "Unknown parameter: '" + prefix + key + "'. Allowed here: " + String.join(", ",
                                allowed.stream().sorted().toList()) + ".");
            }
        }
    }

    private static void oneOf(String value, Set<String> allowed, String param) {
        if (value == null || !allowed.contains(value)) {
            throw ApiException.invalid(param, "invalid_value", "Invalid value for '" + param + "': '" + value
                    + "'. Supported values are: "
                    + String.join(", ", allowed.stream().sorted().map(s -> "'" + s + "'").toList()) + ".");
        }
    }

    private static void range(Number v, double min, double max, String param) {
        if (v == null) {
            return;
        }
        double d = v.doubleValue();
        if (d < min) {
            throw ApiException.invalid(param, v instanceof Double ? "decimal_below_min_value" : "integer_below_min_value",
                    "Invalid '" + param + "': " + v + " is below the minimum of " + fmt(min) + ".");
        }
        if (d > max) {
            throw ApiException.invalid(param, v instanceof Double ? "decimal_above_max_value" : "integer_above_max_value",
                    "Invalid '" + param + "': " + v + " is above the maximum of " + fmt(max) + ".");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
