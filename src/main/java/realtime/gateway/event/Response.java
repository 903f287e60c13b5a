package realtime.gateway.event;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The response object of {@code response.created|done} (§e.5), both dialects, with its status details
 * and usage (§e.6). The seed's defects are fixed here: every key optional, {@code max_output_tokens}
 * (not {@code max_response_output_tokens}), and a {@code {type, code}} status error.
 */
@Wire
@RegisterForReflection
public record Response(
        String id,
        String object,
        String status,
        Optional<StatusDetails> statusDetails,
        List<Item> output,
        Optional<String> conversationId,
        Optional<Map<String, String>> metadata,
        Optional<Usage> usage,
        JsonNode maxOutputTokens,
        List<String> modalities,
        List<String> outputModalities,
        JsonNode voice,
        String outputAudioFormat,
        Double temperature,
        Session.Audio audio) {

    /** Why a response ended as it did. */
    @Wire
    @RegisterForReflection
    public record StatusDetails(String type, String reason, Optional<StatusError> error) {
    }

    /** The error of a failed response: only {@code type} and {@code code} on the wire. */
    @Wire
    @RegisterForReflection
    public record StatusError(String type, Optional<String> code) {
    }

    /** Token usage of a response. */
    @Wire
    @RegisterForReflection
    public record Usage(
            Long totalTokens,
            Long inputTokens,
            Long outputTokens,
            TokenDetails inputTokenDetails,
            TokenDetails outputTokenDetails) {
    }

    /** Token counts by kind; also the shape of GA {@code cached_tokens_details}. */
    @Wire
    @RegisterForReflection
    public record TokenDetails(
            Long cachedTokens,
            Long textTokens,
            Long audioTokens,
            Long imageTokens,
            TokenDetails cachedTokensDetails) {
    }

    /** Parameters of {@code response.create} (beta and GA keys). */
    @Wire
    @RegisterForReflection
    public record CreateParams(
            List<String> modalities,
            List<String> outputModalities,
            String instructions,
            JsonNode voice,
            String outputAudioFormat,
            Session.Audio audio,
            List<Session.Tool> tools,
            JsonNode toolChoice,
            Double temperature,
            JsonNode maxResponseOutputTokens,
            JsonNode maxOutputTokens,
            String conversation,
            Optional<Map<String, String>> metadata,
            Optional<JsonNode> prompt,
            List<Item> input,
            Boolean parallelToolCalls,
            JsonNode reasoning) {
    }
}
