package realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile and odd frames: none throws, each gets the outcome a relay needs. */
class CodecRobustnessTest {

    private final RealtimeCodec codec = new RealtimeCodec();

    @Test
    void unknownTypeBecomesUnknownWithItsName() {
        ServerEvent e = codec.decodeServer("{\"type\":\"brand_new.event\",\"event_id\":\"event_1\",\"x\":{\"y\":[1]}}");
        ServerEvent.Unknown u = assertInstanceOf(ServerEvent.Unknown.class, e);
        assertEquals("brand_new.event", u.type());
        assertEquals("event_1", u.eventId());
    }

    @Test
    void unknownFieldsAreIgnored() {
        ServerEvent e = codec.decodeServer("{\"type\":\"input_audio_buffer.committed\",\"event_id\":\"event_1\","
                + "\"item_id\":\"item_1\",\"previous_item_id\":null,\"future\":{\"a\":1},\"obfuscation\":\"zz\"}");
        InputAudioEvent.Committed c = assertInstanceOf(InputAudioEvent.Committed.class, e);
        assertEquals("item_1", c.itemId());
        assertEquals(Optional.empty(), c.previousItemId());
    }

    @Test
    void nullsInOptionalObjectSlotsBind() {
        ServerEvent e = codec.decodeServer("{\"type\":\"conversation.item.input_audio_transcription.completed\","
                + "\"event_id\":\"e\",\"item_id\":\"i\",\"content_index\":null,\"transcript\":null,"
                + "\"usage\":null,\"logprobs\":null,\"languages\":null}");
        TranscriptionEvent.Completed c = assertInstanceOf(TranscriptionEvent.Completed.class, e);
        assertEquals(Optional.empty(), c.usage());
        assertNull(c.transcript());
    }

    @Test
    void unicodeAndEscapedUnicodeDecodeToTheSameText() {
        String literal = "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"e\","
                + "\"item_id\":\"i\",\"delta\":\"Grüße, 東京 🎤\"}";
        String escaped = "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"e\","
                + "\"item_id\":\"i\",\"delta\":\"Gr\\u00fc\\u00dfe, \\u6771\\u4eac \\ud83c\\udfa4\"}";
        TranscriptionEvent.Delta a = assertInstanceOf(TranscriptionEvent.Delta.class, codec.decodeServer(literal));
        TranscriptionEvent.Delta b = assertInstanceOf(TranscriptionEvent.Delta.class, codec.decodeServer(escaped));
        assertEquals("Grüße, 東京 🎤", a.delta());
        assertEquals(a.delta(), b.delta());
    }

    @Test
    void oneMebibyteAudioDeltaDecodes() {
        byte[] audio = new byte[1 << 20];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (byte) i;
        }
        String b64 = Base64.getEncoder().encodeToString(audio);
        String raw = "{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\","
                + "\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + b64 + "\"}";
        ResponseEvent.AudioDelta d = assertInstanceOf(ResponseEvent.AudioDelta.class, codec.decodeServer(raw));
        assertEquals("response.output_audio.delta", d.type());
        assertEquals(b64, d.delta());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   ", "{", "not json", "[1,2,3]", "[{\"type\":\"error\"}]", "42", "\"text\"",
            "null", "{\"event_id\":\"e\"}", "{\"type\":7}", "{\"type\":null}", "{}}", "{\"type\":\"error\"} trailing" })
    void garbageIsMalformedAndNeverThrows(String raw) {
        ServerEvent e = codec.decodeServer(raw);
        ServerEvent.Malformed m = assertInstanceOf(ServerEvent.Malformed.class, e, raw);
        assertFalse(m.reason().isBlank());
    }

    @Test
    void nullFrameIsMalformed() {
        assertInstanceOf(ServerEvent.Malformed.class, codec.decodeServer(null));
    }

    @Test
    void knownTypeWithWrongFieldTypeIsMalformedNamingTheField() {
        ServerEvent e = codec.decodeServer("{\"type\":\"input_audio_buffer.speech_started\",\"event_id\":\"e\","
                + "\"audio_start_ms\":{\"oops\":1},\"item_id\":\"i\"}");
        ServerEvent.Malformed m = assertInstanceOf(ServerEvent.Malformed.class, e);
        assertEquals("input_audio_buffer.speech_started", m.type());
        assertTrue(m.reason().contains("audio_start_ms"), m.reason());
    }

    @Test
    void jsonArrayFromAClientIsInvalidEvent() {
        ClientFrame f = codec.decodeClient("[1]");
        assertFalse(f.ok());
        assertEquals(Optional.of("invalid_event"), f.error().code());
    }

    @Test
    void invalidJsonFromAClientIsInvalidJson() {
        ClientFrame f = codec.decodeClient("{\"type\": ");
        assertEquals(Optional.of("invalid_json"), f.error().code());
        assertEquals(Errors.INVALID_REQUEST, f.error().type());
    }

    @Test
    void unknownClientTypeIsInvalidValueOnParamType() {
        ClientFrame f = codec.decodeClient("{\"type\":\"session.destroy\",\"event_id\":\"c1\"}");
        assertEquals(Optional.of("invalid_value"), f.error().code());
        assertEquals(Optional.of("type"), f.error().param());
        assertEquals(Optional.of("c1"), f.error().eventId());
        assertTrue(f.error().message().contains("session.destroy"));
    }

    @Test
    void clientEventWithWrongFieldTypeNamesTheField() {
        ClientFrame f = codec.decodeClient("{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\","
                + "\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":\"fast\"}}}}}");
        assertFalse(f.ok());
        assertEquals(Optional.of("session.audio.input.format.rate"), f.error().param());
    }

    @Test
    void encodingKeepsExplicitNullsAndDropsAbsentKeys() {
        Session update = Session.transcription(Session.TYPE_TRANSCRIPTION,
                new Session.Audio(new Session.AudioInput(null, null, Optional.empty(), Optional.empty()), null),
                null);
        String json = codec.encode(new ClientEvent.SessionUpdate(null, update));
        assertEquals("{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":"
                + "{\"noise_reduction\":null,\"turn_detection\":null}}}}", json);
    }

    @Test
    void peekTypeReadsTheTypeWithoutBindingAndNeverThrows() {
        assertEquals("input_audio_buffer.committed", codec.peekType(
                "{\"event_id\":\"e\",\"nested\":{\"type\":\"inner\"},\"type\":\"input_audio_buffer.committed\"}"));
        assertEquals("x", codec.peekType("{\"type\":\"x\", garbage after"));
        assertNull(codec.peekType("[1,2]"));
        assertNull(codec.peekType("not json"));
        assertNull(codec.peekType("{\"type\":7}"));
        assertNull(codec.peekType("{\"a\":1}"));
        assertNull(codec.peekType(""));
        assertNull(codec.peekType(null));
    }
}
