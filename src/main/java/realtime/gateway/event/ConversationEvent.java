package realtime.gateway.event;

import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Conversation and item events, and the GA MCP list-tools item events. */
public sealed interface ConversationEvent extends ServerEvent {

    /** {@code conversation.created} (beta conversation sockets). */
    @Wire
    @RegisterForReflection
    record Created(String type, String eventId, Details.Conversation conversation) implements ConversationEvent {
        public static final String TYPE = "conversation.created";
    }

    /** {@code conversation.item.created} (beta; GA uses added/done). */
    @Wire
    @RegisterForReflection
    record ItemCreated(String type, String eventId, Optional<String> previousItemId, Item item) implements ConversationEvent {
        public static final String TYPE = "conversation.item.created";
    }

    /** {@code conversation.item.added} (GA). */
    @Wire
    @RegisterForReflection
    record ItemAdded(String type, String eventId, Optional<String> previousItemId, Item item) implements ConversationEvent {
        public static final String TYPE = "conversation.item.added";
    }

    /** {@code conversation.item.done} (GA): the final item, audio bytes omitted. */
    @Wire
    @RegisterForReflection
    record ItemDone(String type, String eventId, Optional<String> previousItemId, Item item) implements ConversationEvent {
        public static final String TYPE = "conversation.item.done";
    }

    /** {@code conversation.item.retrieved}: the full item, audio included. */
    @Wire
    @RegisterForReflection
    record ItemRetrieved(String type, String eventId, Item item) implements ConversationEvent {
        public static final String TYPE = "conversation.item.retrieved";
    }

    /** {@code conversation.item.truncated}. */
    @Wire
    @RegisterForReflection
    record ItemTruncated(String type, String eventId, String itemId, Integer contentIndex, Long audioEndMs)
            implements ConversationEvent {
        public static final String TYPE = "conversation.item.truncated";
    }

    /** {@code conversation.item.deleted}. */
    @Wire
    @RegisterForReflection
    record ItemDeleted(String type, String eventId, String itemId) implements ConversationEvent {
        public static final String TYPE = "conversation.item.deleted";
    }

    /** {@code mcp_list_tools.in_progress} (GA). */
    @Wire
    @RegisterForReflection
    record McpListToolsInProgress(String type, String eventId, String itemId) implements ConversationEvent {
        public static final String TYPE = "mcp_list_tools.in_progress";
    }

    /** {@code mcp_list_tools.completed} (GA). */
    @Wire
    @RegisterForReflection
    record McpListToolsCompleted(String type, String eventId, String itemId) implements ConversationEvent {
        public static final String TYPE = "mcp_list_tools.completed";
    }

    /** {@code mcp_list_tools.failed} (GA). */
    @Wire
    @RegisterForReflection
    record McpListToolsFailed(String type, String eventId, String itemId) implements ConversationEvent {
        public static final String TYPE = "mcp_list_tools.failed";
    }
}
