package realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The beta ↔ GA transcription config mapping, checked against the corpus pairs. */
class DialectsTest {

    private final RealtimeCodec codec = new RealtimeCodec();
    private final ObjectMapper mapper = codec.mapper();

    private Session sessionOf(String file) {
        ClientFrame f = codec.decodeClient(Corpus.read(file));
        if (f.event() instanceof ClientEvent.SessionUpdate u) {
            return u.session();
        }
        return ((ClientEvent.TranscriptionSessionUpdate) f.event()).session();
    }

    private JsonNode json(Session s) throws Exception {
        return mapper.readTree(codec.write(s));
    }

    @Test
    void betaUpdateMapsToTheGaUpdate() throws Exception {
        assertEquals(json(sessionOf("ga.client.session.update.transcription.json")),
                json(Dialects.toGa(sessionOf("client.transcription_session.update.json"))));
    }

    @Test
    void manualCommitNullsSurviveTheMapping() throws Exception {
        assertEquals(json(sessionOf("ga.client.session.update.transcription.manual-commit.json")),
                json(Dialects.toGa(sessionOf("client.transcription_session.update.manual-commit.json"))));
    }

    @Test
    void gaMapsBackToBeta() throws Exception {
        assertEquals(json(sessionOf("client.transcription_session.update.json")),
                json(Dialects.toBeta(sessionOf("ga.client.session.update.transcription.json"))));
        assertEquals(json(sessionOf("client.transcription_session.update.manual-commit.json")),
                json(Dialects.toBeta(sessionOf("ga.client.session.update.transcription.manual-commit.json"))));
    }

    @Test
    void unknownFormatIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dialects.gaFormat("mp3"));
        assertEquals("unsupported input_audio_format 'mp3': use pcm16, g711_ulaw or g711_alaw", e.getMessage());
    }
}
