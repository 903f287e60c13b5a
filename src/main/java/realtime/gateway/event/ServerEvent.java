package realtime.gateway.event;

/**
 * An event the Realtime server sends. Records are grouped by concern in the sub-interfaces; every
 * record keeps the wire name it arrived with in {@link #type()}, so a GA rename decodes onto the same
 * record as its beta name and re-encodes unchanged. {@link Unknown} and {@link Malformed} are what the
 * codec returns instead of throwing.
 */
public sealed interface ServerEvent
        permits SessionEvent, ConversationEvent, TranscriptionEvent, InputAudioEvent, ResponseEvent, SystemEvent,
        ServerEvent.Unknown, ServerEvent.Malformed {

    /** The wire name exactly as received, or {@code null} when the frame had none. */
    String type();

    /** The server's {@code event_…} id; {@code null} where the wire omits it. */
    String eventId();

    /** A well-formed JSON object whose {@code type} is not in the table; passed through untouched. */
    record Unknown(String type, String eventId) implements ServerEvent {
    }

    /**
     * A frame that is not a JSON object, or a known type whose payload does not bind.
     *
     * @param type the wire name when one could be read, otherwise {@code null}
     * @param reason what is wrong, for logs and for the {@code error} event sent back to a client
     */
    record Malformed(String type, String eventId, String reason) implements ServerEvent {
    }
}
