package realtime.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An event a client sends (§c), both dialects. {@code session.update} carries a beta flat or a GA typed
 * {@link Session}; {@code transcription_session.update} is beta only.
 */
public sealed interface ClientEvent
        permits ClientEvent.SessionUpdate, ClientEvent.TranscriptionSessionUpdate, ClientEvent.InputAudioBufferAppend,
        ClientEvent.InputAudioBufferCommit, ClientEvent.InputAudioBufferClear, ClientEvent.ConversationItemCreate,
        ClientEvent.ConversationItemRetrieve, ClientEvent.ConversationItemTruncate,
        ClientEvent.ConversationItemDelete, ClientEvent.ResponseCreate, ClientEvent.ResponseCancel,
        ClientEvent.OutputAudioBufferClear {

    /** The wire name. */
    String type();

    /** The client's optional id, echoed in the server's {@code error.event_id}. */
    String eventId();

    /** {@code session.update}. */
    @Wire
    @RegisterForReflection
    record SessionUpdate(String eventId, String type, Session session) implements ClientEvent {
        public static final String TYPE = "session.update";

        public SessionUpdate(String eventId, Session session) {
            this(eventId, TYPE, session);
        }
    }

    /** {@code transcription_session.update} (beta). */
    @Wire
    @RegisterForReflection
    record TranscriptionSessionUpdate(String eventId, String type, Session session) implements ClientEvent {
        public static final String TYPE = "transcription_session.update";

        public TranscriptionSessionUpdate(String eventId, Session session) {
            this(eventId, TYPE, session);
        }
    }

    /** {@code input_audio_buffer.append}: base64 audio in the session's input format. */
    @Wire
    @RegisterForReflection
    record InputAudioBufferAppend(String eventId, String type, String audio) implements ClientEvent {
        public static final String TYPE = "input_audio_buffer.append";

        public InputAudioBufferAppend(String eventId, String audio) {
            this(eventId, TYPE, audio);
        }
    }

    /** {@code input_audio_buffer.commit}. */
    @Wire
    @RegisterForReflection
    record InputAudioBufferCommit(String eventId, String type) implements ClientEvent {
        public static final String TYPE = "input_audio_buffer.commit";

        public InputAudioBufferCommit(String eventId) {
            this(eventId, TYPE);
        }
    }

    /** {@code input_audio_buffer.clear}. */
    @Wire
    @RegisterForReflection
    record InputAudioBufferClear(String eventId, String type) implements ClientEvent {
        public static final String TYPE = "input_audio_buffer.clear";

        public InputAudioBufferClear(String eventId) {
            this(eventId, TYPE);
        }
    }

    /** {@code conversation.item.create}. */
    @Wire
    @RegisterForReflection
    record ConversationItemCreate(String eventId, String type, String previousItemId, Item item)
            implements ClientEvent {
        public static final String TYPE = "conversation.item.create";
    }

    /** {@code conversation.item.retrieve}. */
    @Wire
    @RegisterForReflection
    record ConversationItemRetrieve(String eventId, String type, String itemId) implements ClientEvent {
        public static final String TYPE = "conversation.item.retrieve";
    }

    /** {@code conversation.item.truncate}. */
    @Wire
    @RegisterForReflection
    record ConversationItemTruncate(String eventId, String type, String itemId, Integer contentIndex,
            Long audioEndMs) implements ClientEvent {
        public static final String TYPE = "conversation.item.truncate";
    }

    /** {@code conversation.item.delete}. */
    @Wire
    @RegisterForReflection
    record ConversationItemDelete(String eventId, String type, String itemId) implements ClientEvent {
        public static final String TYPE = "conversation.item.delete";
    }

    /** {@code response.create}. */
    @Wire
    @RegisterForReflection
    record ResponseCreate(String eventId, String type, Response.CreateParams response) implements ClientEvent {
        public static final String TYPE = "response.create";
    }

    /** {@code response.cancel}. */
    @Wire
    @RegisterForReflection
    record ResponseCancel(String eventId, String type, String responseId) implements ClientEvent {
        public static final String TYPE = "response.cancel";
    }

    /** {@code output_audio_buffer.clear} (WebRTC/SIP only). */
    @Wire
    @RegisterForReflection
    record OutputAudioBufferClear(String eventId, String type) implements ClientEvent {
        public static final String TYPE = "output_audio_buffer.clear";
    }
}
