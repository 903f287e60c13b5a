package realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Every corpus file decodes to its record, loses no field, and client events re-encode exactly. */
class CorpusTest {

    private final RealtimeCodec codec = new RealtimeCodec();
    private final ObjectMapper mapper = codec.mapper();

    static Stream<String> serverFiles() {
        return Stream.concat(Corpus.files("server.").stream(),
                Corpus.files("ga.").stream().filter(f -> !f.startsWith("ga.client.")));
    }

    static Stream<String> clientFiles() {
        return Stream.concat(Corpus.files("client.").stream(), Corpus.files("ga.client.").stream());
    }

    @ParameterizedTest
    @MethodSource("serverFiles")
    void serverEventDecodesToItsRecordWithEveryField(String file) throws Exception {
        String raw = Corpus.read(file);
        JsonNode original = mapper.readTree(raw);
        ServerEvent event = codec.decodeServer(raw);

        assertFalse(event instanceof ServerEvent.Unknown, file + " decoded as Unknown");
        assertFalse(event instanceof ServerEvent.Malformed, () -> file + ": " + event);
        String type = original.get("type").asText();
        assertInstanceOf(RealtimeCodec.SERVER_TYPES.get(type), event, file);
        assertEquals(type, event.type());
        assertEquals(original.path("event_id").asText(null), event.eventId());

        JsonNode fromRecord = mapper.readTree(codec.write(event));
        assertNull(Corpus.firstMissing(original, fromRecord, "$"), file + ": field not readable from the record");
    }

    @ParameterizedTest
    @MethodSource("clientFiles")
    void clientEventDecodesAndReencodesToTheSameJson(String file) throws Exception {
        String raw = Corpus.read(file);
        JsonNode original = mapper.readTree(raw);
        ClientFrame frame = codec.decodeClient(raw);

        assertTrue(frame.ok(), () -> file + ": " + frame.error());
        assertInstanceOf(RealtimeCodec.CLIENT_TYPES.get(original.get("type").asText()), frame.event(), file);
        assertEquals(original, mapper.readTree(codec.encode(frame.event())), file);
    }

    @ParameterizedTest
    @MethodSource("restSessionBodies")
    void restSessionObjectsBindToTheSessionRecord(String file) throws Exception {
        JsonNode body = mapper.readTree(Corpus.read(file));
        JsonNode session = body.has("session") ? body.get("session") : body;
        Session bound = mapper.treeToValue(session, Session.class);
        assertNull(Corpus.firstMissing(session, mapper.readTree(codec.write(bound)), "$"), file);
    }

    static Stream<String> restSessionBodies() {
        return Stream.of("rest.realtime.sessions.response.json", "rest.realtime.transcription_sessions.response.json",
                "rest.realtime.client_secrets.response.json",
                "rest.realtime.client_secrets.transcription.response.json",
                "rest.realtime.client_secrets.request.json",
                "rest.realtime.client_secrets.transcription.request.json");
    }

    @ParameterizedTest
    @MethodSource("restErrors")
    void restErrorBodiesBindToTheErrorDetail(String file) throws Exception {
        JsonNode error = mapper.readTree(Corpus.read(file)).get("error");
        Details.ErrorDetail bound = mapper.treeToValue(error, Details.ErrorDetail.class);
        assertNull(Corpus.firstMissing(error, mapper.readTree(codec.write(bound)), "$"), file);
    }

    static List<String> restErrors() {
        return Corpus.files("rest.error.");
    }
}
