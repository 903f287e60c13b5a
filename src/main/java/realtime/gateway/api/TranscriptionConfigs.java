package realtime.gateway.api;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import realtime.gateway.config.GatewayConfig;
import realtime.gateway.upstream.UpstreamProvider;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Session;
import realtime.gateway.session.ConfigValidation;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.TranscriptionConfig;

/**
 * Reads the two REST create bodies (beta and GA): parses the JSON, refuses unknown keys and wrong types,
 * and hands the configuration to {@link ConfigValidation}; the result is the session's effective
 * {@link TranscriptionConfig} and the client secret's lifetime. Refusals name the caller's own field.
 */
@ApplicationScoped
public class TranscriptionConfigs {

    static final Set<String> MODALITIES = Set.of("text", "audio");

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

    /** A validated effective configuration and the lifetime of its client secret. */
    public record Accepted(TranscriptionConfig config, Duration secretTtl) {
    }

    private final ObjectMapper mapper = RealtimeCodec.newMapper();
    private final GatewayConfig config;
    private final UpstreamProvider provider;

    public TranscriptionConfigs(GatewayConfig config, UpstreamProvider provider) {
        this.config = config;
        this.provider = provider;
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
                ConfigValidation.oneOf(m, MODALITIES, "modalities");
            }
        }
        Session ga = ConfigValidation.betaToGa(Session.betaTranscription(req.inputAudioFormat(), req.inputAudioTranscription(),
                req.turnDetection(), req.inputAudioNoiseReduction(), req.include()), "");
        Integer seconds = req.clientSecret() == null || req.clientSecret().expiresAt() == null ? null
                : expiry(req.clientSecret().expiresAt(), "client_secret.expires_at");
        return new Accepted(effective(ga, "input_audio_transcription.language"), ttl(seconds));
    }

    /** Parses and validates a GA {@code client_secrets} body; only {@code session.type: transcription}. */
    public Accepted fromGa(String body) {
        JsonNode tree = parse(body);
        checkKeys(tree, GA_KEYS, "");
        JsonNode session = tree.get("session");
        if (session != null && session.isObject()) {
            JsonNode type = session.get("type");
            if (type == null || !Session.TYPE_TRANSCRIPTION.equals(type.asText())) {
                throw Refusal.invalid("session.type", type == null ? "missing_required_parameter" : "invalid_value",
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
            throw Refusal.invalid("session.type", ga.type() == null ? "missing_required_parameter" : "invalid_value",
                    "This gateway creates transcription sessions only: set session.type to \"transcription\""
                            + (ga.type() == null ? "." : " (got \"" + ga.type() + "\")."));
        }
        ConfigValidation.validate(ga, p -> "session." + p);
        Integer seconds = req.expiresAfter() == null ? null : expiry(req.expiresAfter(), "expires_after");
        return new Accepted(effective(ga, "session.audio.input.transcription.language"), ttl(seconds));
    }

    /**
     * The configuration a new session starts with: the caller's, with the gateway's defaults filled in; a
     * language the upstream cannot transcribe is refused naming {@code languageParam}.
     */
    private TranscriptionConfig effective(Session ga, String languageParam) {
        TranscriptionConfig c = TranscriptionConfig.of(ga, config.upstream().defaultTranscriptionModel());
        c.transcription().map(TranscriptionConfig.Transcription::language).flatMap(provider::refuseLanguage)
                .ifPresent(why -> {
                    throw Refusal.invalid(languageParam, "unsupported_language", why);
                });
        return c;
    }

    private Duration ttl(Integer seconds) {
        return seconds == null ? config.sessions().clientSecretTtl() : Duration.ofSeconds(seconds);
    }

    private static Integer expiry(CreateRequests.ExpiresAfter e, String param) {
        if (e.anchor() != null && !"created_at".equals(e.anchor())) {
            throw Refusal.invalid(param + ".anchor", "invalid_value",
                    "Invalid anchor '" + e.anchor() + "': the only supported value is \"created_at\".");
        }
        if (e.seconds() != null) {
            ConfigValidation.range(e.seconds(), 10, 7200, param + ".seconds");
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
            throw Refusal.invalid(null, "invalid_json",
                    "The body is not valid JSON (" + e.getOriginalMessage() + "); send a JSON object.");
        }
        if (!tree.isObject()) {
            throw Refusal.invalid(null, "invalid_json", "The body must be a JSON object.");
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
            throw Refusal.invalid(path == null ? null : names.apply(path), "invalid_type",
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
                throw Refusal.invalid(prefix + key, "unknown_parameter",
                        "Unknown parameter: '" + prefix + key + "'. Allowed here: " + String.join(", ",
                                allowed.stream().sorted().toList()) + ".");
            }
        }
    }

}
