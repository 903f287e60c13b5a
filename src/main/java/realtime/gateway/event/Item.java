package realtime.gateway.event;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A conversation item (§e.4) in the beta flat shape and every GA variant (messages, function calls and
 * outputs, MCP approval, list-tools and call items, item references): one record with the union of
 * the keys, discriminated by {@code type} and {@code role}.
 */
@Wire
@RegisterForReflection
public record Item(
        String id,
        String type,
        String object,
        String status,
        String role,
        List<ContentPart> content,
        String callId,
        String name,
        String arguments,
        Optional<String> output,
        String serverLabel,
        JsonNode tools,
        String approvalRequestId,
        Boolean approve,
        Optional<String> reason,
        Optional<JsonNode> error) {

    public static final String TYPE_MESSAGE = "message";

    /**
     * A content part of an item or of {@code response.content_part.*}: {@code input_text},
     * {@code input_audio}, {@code input_image}, {@code item_reference}, {@code text}, {@code audio},
     * {@code output_text}, {@code output_audio}.
     */
    @Wire
    @RegisterForReflection
    public record ContentPart(
            String type,
            String text,
            String audio,
            Optional<String> transcript,
            String id,
            String imageUrl,
            String detail) {
    }
}
