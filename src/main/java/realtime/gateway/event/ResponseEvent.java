package realtime.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Model response events. Records whose type was renamed in GA have a {@code GA_TYPE} beside the beta
 * {@code TYPE}; both names decode onto the record.
 */
public sealed interface ResponseEvent extends ServerEvent {

    /** {@code response.created}. */
    @Wire
    @RegisterForReflection
    record Created(String type, String eventId, Response response) implements ResponseEvent {
        public static final String TYPE = "response.created";
    }

    /** {@code response.done}: always follows a {@code response.created}, whatever the outcome. */
    @Wire
    @RegisterForReflection
    record Done(String type, String eventId, Response response) implements ResponseEvent {
        public static final String TYPE = "response.done";
    }

    /** {@code response.output_item.added}. */
    @Wire
    @RegisterForReflection
    record OutputItemAdded(String type, String eventId, String responseId, Integer outputIndex, Item item)
            implements ResponseEvent {
        public static final String TYPE = "response.output_item.added";
    }

    /** {@code response.output_item.done}. */
    @Wire
    @RegisterForReflection
    record OutputItemDone(String type, String eventId, String responseId, Integer outputIndex, Item item)
            implements ResponseEvent {
        public static final String TYPE = "response.output_item.done";
    }

    /** {@code response.content_part.added}. */
    @Wire
    @RegisterForReflection
    record ContentPartAdded(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex, Item.ContentPart part) implements ResponseEvent {
        public static final String TYPE = "response.content_part.added";
    }

    /** {@code response.content_part.done}. */
    @Wire
    @RegisterForReflection
    record ContentPartDone(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex, Item.ContentPart part) implements ResponseEvent {
        public static final String TYPE = "response.content_part.done";
    }

    /** {@code response.text.delta}, GA {@code response.output_text.delta}. */
    @Wire
    @RegisterForReflection
    record TextDelta(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex, String delta, String obfuscation) implements ResponseEvent {
        public static final String TYPE = "response.text.delta";
        public static final String GA_TYPE = "response.output_text.delta";
    }

    /** {@code response.text.done}, GA {@code response.output_text.done}. */
    @Wire
    @RegisterForReflection
    record TextDone(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex, String text) implements ResponseEvent {
        public static final String TYPE = "response.text.done";
        public static final String GA_TYPE = "response.output_text.done";
    }

    /** {@code response.audio_transcript.delta}, GA {@code response.output_audio_transcript.delta}. */
    @Wire
    @RegisterForReflection
    record AudioTranscriptDelta(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex, String delta, String obfuscation) implements ResponseEvent {
        public static final String TYPE = "response.audio_transcript.delta";
        public static final String GA_TYPE = "response.output_audio_transcript.delta";
    }

    /** {@code response.audio_transcript.done}, GA {@code response.output_audio_transcript.done}. */
    @Wire
    @RegisterForReflection
    record AudioTranscriptDone(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex, String transcript) implements ResponseEvent {
        public static final String TYPE = "response.audio_transcript.done";
        public static final String GA_TYPE = "response.output_audio_transcript.done";
    }

    /** {@code response.audio.delta}, GA {@code response.output_audio.delta}: base64 audio. */
    @Wire
    @RegisterForReflection
    record AudioDelta(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex, String delta) implements ResponseEvent {
        public static final String TYPE = "response.audio.delta";
        public static final String GA_TYPE = "response.output_audio.delta";
    }

    /** {@code response.audio.done}, GA {@code response.output_audio.done}. */
    @Wire
    @RegisterForReflection
    record AudioDone(String type, String eventId, String responseId, String itemId, Integer outputIndex,
            Integer contentIndex) implements ResponseEvent {
        public static final String TYPE = "response.audio.done";
        public static final String GA_TYPE = "response.output_audio.done";
    }

    /** {@code response.function_call_arguments.delta}. */
    @Wire
    @RegisterForReflection
    record FunctionCallArgumentsDelta(String type, String eventId, String responseId, String itemId,
            Integer outputIndex, String callId, String delta) implements ResponseEvent {
        public static final String TYPE = "response.function_call_arguments.delta";
    }

    /** {@code response.function_call_arguments.done}, with the function {@code name} the seed lacks. */
    @Wire
    @RegisterForReflection
    record FunctionCallArgumentsDone(String type, String eventId, String responseId, String itemId,
            Integer outputIndex, String callId, String name, String arguments) implements ResponseEvent {
        public static final String TYPE = "response.function_call_arguments.done";
    }

    /** {@code response.mcp_call_arguments.delta} (GA). */
    @Wire
    @RegisterForReflection
    record McpCallArgumentsDelta(String type, String eventId, String responseId, String itemId,
            Integer outputIndex, String delta, String obfuscation) implements ResponseEvent {
        public static final String TYPE = "response.mcp_call_arguments.delta";
    }

    /** {@code response.mcp_call_arguments.done} (GA). */
    @Wire
    @RegisterForReflection
    record McpCallArgumentsDone(String type, String eventId, String responseId, String itemId,
            Integer outputIndex, String arguments) implements ResponseEvent {
        public static final String TYPE = "response.mcp_call_arguments.done";
    }

    /** {@code response.mcp_call.in_progress} (GA). */
    @Wire
    @RegisterForReflection
    record McpCallInProgress(String type, String eventId, Integer outputIndex, String itemId) implements ResponseEvent {
        public static final String TYPE = "response.mcp_call.in_progress";
    }

    /** {@code response.mcp_call.completed} (GA). */
    @Wire
    @RegisterForReflection
    record McpCallCompleted(String type, String eventId, Integer outputIndex, String itemId) implements ResponseEvent {
        public static final String TYPE = "response.mcp_call.completed";
    }

    /** {@code response.mcp_call.failed} (GA). */
    @Wire
    @RegisterForReflection
    record McpCallFailed(String type, String eventId, Integer outputIndex, String itemId) implements ResponseEvent {
        public static final String TYPE = "response.mcp_call.failed";
    }
}
