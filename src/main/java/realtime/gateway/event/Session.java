package realtime.gateway.event;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A session object or session configuration, in every shape the wire uses: the beta flat session
 * (§e.1), the beta transcription session (§e.2), and the GA realtime and transcription sessions (§e.3),
 * both as sent in {@code session.update} / REST bodies and as echoed in {@code session.created|updated}.
 * One record with the union of the keys; which keys are set tells the dialect. Values that are
 * "string or object" on the wire ({@code voice}, {@code tool_choice}, {@code tracing}, …) stay JSON.
 */
@Wire
@RegisterForReflection
public record Session(
        String type,
        String id,
        String object,
        Long expiresAt,
        String model,
        List<String> modalities,
        List<String> outputModalities,
        String instructions,
        JsonNode voice,
        String inputAudioFormat,
        String outputAudioFormat,
        Optional<AudioTranscription> inputAudioTranscription,
        Optional<TurnDetection> turnDetection,
        Optional<NoiseReduction> inputAudioNoiseReduction,
        Optional<List<String>> include,
        Audio audio,
        List<Tool> tools,
        JsonNode toolChoice,
        Double temperature,
        JsonNode maxResponseOutputTokens,
        JsonNode maxOutputTokens,
        Double speed,
        JsonNode tracing,
        JsonNode truncation,
        JsonNode prompt,
        Boolean parallelToolCalls,
        JsonNode reasoning,
        Optional<ClientSecret> clientSecret) {

    /** GA {@code session.type} of a transcription session. */
    public static final String TYPE_TRANSCRIPTION = "transcription";
    /** GA {@code session.type} of a conversation session. */
    public static final String TYPE_REALTIME = "realtime";
    /** {@code object} of a transcription session (beta and GA). */
    public static final String OBJECT_TRANSCRIPTION = "realtime.transcription_session";

    /** A session with only the GA transcription keys set. */
    public static Session transcription(String type, Audio audio, Optional<List<String>> include) {
        return new Session(type, null, null, null, null, null, null, null, null, null, null, null, null, null,
                include, audio, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A session with only the beta transcription keys set. */
    public static Session betaTranscription(String inputAudioFormat, Optional<AudioTranscription> transcription,
            Optional<TurnDetection> turnDetection, Optional<NoiseReduction> noiseReduction,
            Optional<List<String>> include) {
        return new Session(null, null, null, null, null, null, null, null, null, inputAudioFormat, null,
                transcription, turnDetection, noiseReduction, include, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** GA {@code audio}: input and output settings. */
    @Wire
    @RegisterForReflection
    public record Audio(AudioInput input, AudioOutput output) {
    }

    /** GA {@code audio.input}. Absent keys are unchanged by an update; {@code null} turns a feature off. */
    @Wire
    @RegisterForReflection
    public record AudioInput(
            AudioFormat format,
            Optional<AudioTranscription> transcription,
            Optional<NoiseReduction> noiseReduction,
            Optional<TurnDetection> turnDetection) {
    }

    /** GA {@code audio.output}. */
    @Wire
    @RegisterForReflection
    public record AudioOutput(AudioFormat format, JsonNode voice, Double speed) {
    }

    /** GA audio format: {@code audio/pcm} (with {@code rate} 24000), {@code audio/pcmu} or {@code audio/pcma}. */
    @Wire
    @RegisterForReflection
    public record AudioFormat(String type, Integer rate) {
        public static final String PCM = "audio/pcm";
        public static final String PCMU = "audio/pcmu";
        public static final String PCMA = "audio/pcma";
    }

    /** Input transcription settings (beta {@code input_audio_transcription}, GA {@code audio.input.transcription}). */
    @Wire
    @RegisterForReflection
    public record AudioTranscription(
            String model,
            Optional<String> language,
            Optional<String> prompt,
            List<String> languages,
            List<String> keywords,
            String delay) {
    }

    /** Voice activity detection (§e.7); {@code server_vad} or {@code semantic_vad}. */
    @Wire
    @RegisterForReflection
    public record TurnDetection(
            String type,
            Double threshold,
            Integer prefixPaddingMs,
            Integer silenceDurationMs,
            Optional<Integer> idleTimeoutMs,
            String eagerness,
            Boolean createResponse,
            Boolean interruptResponse) {
        public static final String SERVER_VAD = "server_vad";
        public static final String SEMANTIC_VAD = "semantic_vad";
        /** The protocol's server_vad defaults (§a.1): the gateway and its local engine use these, nothing else. */
        public static final double DEFAULT_THRESHOLD = 0.5;
        public static final int DEFAULT_PREFIX_PADDING_MS = 300;
        public static final int DEFAULT_SILENCE_DURATION_MS = 500;
    }

    /** Noise reduction: {@code near_field} or {@code far_field}. */
    @Wire
    @RegisterForReflection
    public record NoiseReduction(String type) {
    }

    /** A function or MCP tool definition; JSON-valued keys pass through as they are. */
    @Wire
    @RegisterForReflection
    public record Tool(
            String type,
            String name,
            String description,
            JsonNode parameters,
            String serverLabel,
            String serverUrl,
            String connectorId,
            String authorization,
            JsonNode headers,
            JsonNode allowedTools,
            JsonNode requireApproval,
            String serverDescription) {
    }

    /** The ephemeral key in a REST reply; always {@code null} or absent on the socket. */
    @Wire
    @RegisterForReflection
    public record ClientSecret(String value, Long expiresAt) {
    }
}
