package realtime.gateway.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/**
 * Text frame in, typed event out (with the raw text), and client event in, exact wire JSON out.
 * Decoding never throws: an unknown {@code type} gives {@link ServerEvent.Unknown}; invalid JSON, a
 * non-object, a missing type or a payload that does not bind gives {@link ServerEvent.Malformed}.
 * The wire-name tables are explicit (no default typing, no scanning), so the model is native-friendly.
 * Thread-safe; one instance serves the whole process.
 */
public final class RealtimeCodec {

    /** Every server wire name, beta and GA, to its record. GA renames map onto the beta record. */
    public static final Map<String, Class<? extends ServerEvent>> SERVER_TYPES;
    /** Every client wire name to its record. */
    public static final Map<String, Class<? extends ClientEvent>> CLIENT_TYPES;

    static {
        Map<String, Class<? extends ServerEvent>> s = new LinkedHashMap<>();
        s.put(SystemEvent.Error.TYPE, SystemEvent.Error.class);
        s.put(SystemEvent.RateLimitsUpdated.TYPE, SystemEvent.RateLimitsUpdated.class);
        s.put(SessionEvent.Created.TYPE, SessionEvent.Created.class);
        s.put(SessionEvent.Updated.TYPE, SessionEvent.Updated.class);
        s.put(SessionEvent.TranscriptionCreated.TYPE, SessionEvent.TranscriptionCreated.class);
        s.put(SessionEvent.TranscriptionUpdated.TYPE, SessionEvent.TranscriptionUpdated.class);
        s.put(ConversationEvent.Created.TYPE, ConversationEvent.Created.class);
        s.put(ConversationEvent.ItemCreated.TYPE, ConversationEvent.ItemCreated.class);
        s.put(ConversationEvent.ItemAdded.TYPE, ConversationEvent.ItemAdded.class);
        s.put(ConversationEvent.ItemDone.TYPE, ConversationEvent.ItemDone.class);
        s.put(ConversationEvent.ItemRetrieved.TYPE, ConversationEvent.ItemRetrieved.class);
        s.put(ConversationEvent.ItemTruncated.TYPE, ConversationEvent.ItemTruncated.class);
        s.put(ConversationEvent.ItemDeleted.TYPE, ConversationEvent.ItemDeleted.class);
        s.put(ConversationEvent.McpListToolsInProgress.TYPE, ConversationEvent.McpListToolsInProgress.class);
        s.put(ConversationEvent.McpListToolsCompleted.TYPE, ConversationEvent.McpListToolsCompleted.class);
        s.put(ConversationEvent.McpListToolsFailed.TYPE, ConversationEvent.McpListToolsFailed.class);
        s.put(TranscriptionEvent.Delta.TYPE, TranscriptionEvent.Delta.class);
        s.put(TranscriptionEvent.Completed.TYPE, TranscriptionEvent.Completed.class);
        s.put(TranscriptionEvent.Failed.TYPE, TranscriptionEvent.Failed.class);
        s.put(TranscriptionEvent.Segment.TYPE, TranscriptionEvent.Segment.class);
        s.put(InputAudioEvent.Committed.TYPE, InputAudioEvent.Committed.class);
        s.put(InputAudioEvent.Cleared.TYPE, InputAudioEvent.Cleared.class);
        s.put(InputAudioEvent.SpeechStarted.TYPE, InputAudioEvent.SpeechStarted.class);
        s.put(InputAudioEvent.SpeechStopped.TYPE, InputAudioEvent.SpeechStopped.class);
        s.put(InputAudioEvent.TimeoutTriggered.TYPE, InputAudioEvent.TimeoutTriggered.class);
        s.put(InputAudioEvent.DtmfEventReceived.TYPE, InputAudioEvent.DtmfEventReceived.class);
        s.put(InputAudioEvent.OutputStarted.TYPE, InputAudioEvent.OutputStarted.class);
        s.put(InputAudioEvent.OutputStopped.TYPE, InputAudioEvent.OutputStopped.class);
        s.put(InputAudioEvent.OutputCleared.TYPE, InputAudioEvent.OutputCleared.class);
        s.put(ResponseEvent.Created.TYPE, ResponseEvent.Created.class);
        s.put(ResponseEvent.Done.TYPE, ResponseEvent.Done.class);
        s.put(ResponseEvent.OutputItemAdded.TYPE, ResponseEvent.OutputItemAdded.class);
        s.put(ResponseEvent.OutputItemDone.TYPE, ResponseEvent.OutputItemDone.class);
        s.put(ResponseEvent.ContentPartAdded.TYPE, ResponseEvent.ContentPartAdded.class);
        s.put(ResponseEvent.ContentPartDone.TYPE, ResponseEvent.ContentPartDone.class);
        s.put(ResponseEvent.TextDelta.TYPE, ResponseEvent.TextDelta.class);
        s.put(ResponseEvent.TextDelta.GA_TYPE, ResponseEvent.TextDelta.class);
        s.put(ResponseEvent.TextDone.TYPE, ResponseEvent.TextDone.class);
        s.put(ResponseEvent.TextDone.GA_TYPE, ResponseEvent.TextDone.class);
        s.put(ResponseEvent.AudioTranscriptDelta.TYPE, ResponseEvent.AudioTranscriptDelta.class);
        s.put(ResponseEvent.AudioTranscriptDelta.GA_TYPE, ResponseEvent.AudioTranscriptDelta.class);
        s.put(ResponseEvent.AudioTranscriptDone.TYPE, ResponseEvent.AudioTranscriptDone.class);
        s.put(ResponseEvent.AudioTranscriptDone.GA_TYPE, ResponseEvent.AudioTranscriptDone.class);
        s.put(ResponseEvent.AudioDelta.TYPE, ResponseEvent.AudioDelta.class);
        s.put(ResponseEvent.AudioDelta.GA_TYPE, ResponseEvent.AudioDelta.class);
        s.put(ResponseEvent.AudioDone.TYPE, ResponseEvent.AudioDone.class);
        s.put(ResponseEvent.AudioDone.GA_TYPE, ResponseEvent.AudioDone.class);
        s.put(ResponseEvent.FunctionCallArgumentsDelta.TYPE, ResponseEvent.FunctionCallArgumentsDelta.class);
        s.put(ResponseEvent.FunctionCallArgumentsDone.TYPE, ResponseEvent.FunctionCallArgumentsDone.class);
        s.put(ResponseEvent.McpCallArgumentsDelta.TYPE, ResponseEvent.McpCallArgumentsDelta.class);
        s.put(ResponseEvent.McpCallArgumentsDone.TYPE, ResponseEvent.McpCallArgumentsDone.class);
        s.put(ResponseEvent.McpCallInProgress.TYPE, ResponseEvent.McpCallInProgress.class);
        s.put(ResponseEvent.McpCallCompleted.TYPE, ResponseEvent.McpCallCompleted.class);
        s.put(ResponseEvent.McpCallFailed.TYPE, ResponseEvent.McpCallFailed.class);
        SERVER_TYPES = Collections.unmodifiableMap(s);

        Map<String, Class<? extends ClientEvent>> c = new LinkedHashMap<>();
        c.put(ClientEvent.SessionUpdate.TYPE, ClientEvent.SessionUpdate.class);
        c.put(ClientEvent.TranscriptionSessionUpdate.TYPE, ClientEvent.TranscriptionSessionUpdate.class);
        c.put(ClientEvent.InputAudioBufferAppend.TYPE, ClientEvent.InputAudioBufferAppend.class);
        c.put(ClientEvent.InputAudioBufferCommit.TYPE, ClientEvent.InputAudioBufferCommit.class);
        c.put(ClientEvent.InputAudioBufferClear.TYPE, ClientEvent.InputAudioBufferClear.class);
        c.put(ClientEvent.ConversationItemCreate.TYPE, ClientEvent.ConversationItemCreate.class);
        c.put(ClientEvent.ConversationItemRetrieve.TYPE, ClientEvent.ConversationItemRetrieve.class);
        c.put(ClientEvent.ConversationItemTruncate.TYPE, ClientEvent.ConversationItemTruncate.class);
        c.put(ClientEvent.ConversationItemDelete.TYPE, ClientEvent.ConversationItemDelete.class);
        c.put(ClientEvent.ResponseCreate.TYPE, ClientEvent.ResponseCreate.class);
        c.put(ClientEvent.ResponseCancel.TYPE, ClientEvent.ResponseCancel.class);
        c.put(ClientEvent.OutputAudioBufferClear.TYPE, ClientEvent.OutputAudioBufferClear.class);
        CLIENT_TYPES = Collections.unmodifiableMap(c);
    }

    private final ObjectMapper mapper;

    public RealtimeCodec() {
        this.mapper = newMapper();
    }

    /** The mapper the wire model is bound with: three-valued Optionals, unknown keys ignored. */
    public static ObjectMapper newMapper() {
        ObjectMapper m = new ObjectMapper();
        // A number or boolean where the wire wants a string is a wrong type, not a value to stringify.
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // And a string where the wire wants a number or boolean ("500", "true") is a wrong type too, as is a
        // fraction where it wants an integer: OpenAI's server refuses them, so the gateway does not guess.
        for (LogicalType t : new LogicalType[] { LogicalType.Integer, LogicalType.Float, LogicalType.Boolean }) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m
                .registerModule(new Jdk8Module())
                .registerModule(new OptionalModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
    }

    /** This codec's mapper, for callers that bind other wire bodies (REST) the same way. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * The top-level {@code type} of a frame without binding it: a streaming read that stops at the
     * {@code type} key (the first key in practice). {@code null} when the frame is not a JSON object with
     * a string type before any syntax error. Never throws.
     */
    public String peekType(String raw) {
        if (raw == null) {
            return null;
        }
        try (JsonParser p = mapper.getFactory().createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("type".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Decodes one upstream text frame. Never throws. */
    public ServerEvent decodeServer(String raw) {
        Parsed parsed = parse(raw);
        if (parsed.problem != null) {
            return new ServerEvent.Malformed(parsed.type, parsed.eventId, parsed.problem);
        }
        Class<? extends ServerEvent> cls = SERVER_TYPES.get(parsed.type);
        if (cls == null) {
            return new ServerEvent.Unknown(parsed.type, parsed.eventId);
        }
        try {
            return mapper.treeToValue(parsed.node, cls);
        } catch (JsonProcessingException | RuntimeException e) {
            return new ServerEvent.Malformed(parsed.type, parsed.eventId, bindError(e));
        }
    }

    /**
     * Decodes one client text frame. Never throws: a frame that is not a valid client event comes back
     * with the {@code error} detail to answer it with, as the real server would.
     */
    public ClientFrame decodeClient(String raw) {
        Parsed parsed = parse(raw);
        if (parsed.problem != null) {
            String code = parsed.node == null && parsed.notJson ? "invalid_json" : "invalid_event";
            return ClientFrame.rejected(parsed.eventId, code, parsed.problem, parsed.type == null ? "type" : null);
        }
        Class<? extends ClientEvent> cls = CLIENT_TYPES.get(parsed.type);
        if (cls == null) {
            return ClientFrame.rejected(parsed.eventId, "invalid_value",
                    "Invalid value: '" + parsed.type + "'. Supported values are: "
                            + String.join(", ", CLIENT_TYPES.keySet()) + ".",
                    "type");
        }
        try {
            return ClientFrame.ok(mapper.treeToValue(parsed.node, cls));
        } catch (JsonProcessingException | RuntimeException e) {
            return ClientFrame.rejected(parsed.eventId, "invalid_value",
                    "Invalid '" + parsed.type + "' event: " + bindError(e), pathOf(e));
        }
    }

    /** The exact wire JSON of a client event: absent keys stay absent, explicit nulls stay null. */
    public String encode(ClientEvent event) {
        return write(event);
    }

    /** Wire JSON of any wire record (server events too, for fakes and tests). */
    public String write(Object wireRecord) {
        try {
            return mapper.writeValueAsString(wireRecord);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("wire record failed to encode: " + wireRecord.getClass().getName(), e);
        }
    }

    private Parsed parse(String raw) {
        Parsed p = new Parsed();
        if (raw == null || raw.isBlank()) {
            p.problem = "empty frame: expected one JSON object";
            p.notJson = true;
            return p;
        }
        JsonNode node;
        try {
            node = mapper.readTree(raw);
        } catch (JsonProcessingException | RuntimeException e) {
            p.problem = "invalid JSON: " + firstLine(e.getMessage());
            p.notJson = true;
            return p;
        }
        if (node == null || !node.isObject()) {
            p.problem = "expected one JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase());
            return p;
        }
        p.node = (ObjectNode) node;
        JsonNode eventId = node.get("event_id");
        if (eventId != null && eventId.isTextual()) {
            p.eventId = eventId.asText();
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            p.problem = "missing string field 'type'";
            return p;
        }
        p.type = type.asText();
        return p;
    }

    private static String bindError(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            String path = pathOf(e);
            return (path == null ? "" : "field '" + path + "': ") + firstLine(m.getOriginalMessage());
        }
        return firstLine(e.getMessage());
    }

    /** The dotted JSON path of a binding failure, e.g. {@code session.audio.input.format.rate}. */
    public static String pathOf(Exception e) {
        if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException m) || m.getPath().isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private static final class Parsed {
        ObjectNode node;
        String type;
        String eventId;
        String problem;
        boolean notJson;
    }
}
