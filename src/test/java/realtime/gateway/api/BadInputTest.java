package realtime.gateway.api;

import static realtime.gateway.testing.Api.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.audio.Pcm;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/** Every kind of bad input gets a clear error that names what to fix, and the session carries on. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class BadInputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"turn_detection\": |     | invalid_json",
            "[1,2] |                   | invalid_json",
            "{\"turn_detection\":{\"threshold\":\"high\"}} | turn_detection.threshold | invalid_type",
            "{\"turn_detection\":{\"threshold\":1.5}} | turn_detection.threshold | decimal_above_max_value",
            "{\"turn_detection\":{\"type\":\"server_vad\",\"silence_duration_ms\":\"500\"}} | turn_detection.silence_duration_ms | invalid_type",
            "{\"turn_detection\":{\"threshold\":\"0.5\"}} | turn_detection.threshold | invalid_type",
            "{\"turn_detection\":{\"prefix_padding_ms\":300.5}} | turn_detection.prefix_padding_ms | invalid_type",
            "{\"client_secret\":{\"expires_at\":{\"anchor\":\"created_at\",\"seconds\":\"600\"}}} | client_secret.expires_at.seconds | invalid_type",
            "{\"turn_detection\":{\"silence_duration_ms\":-1}} | turn_detection.silence_duration_ms | integer_below_min_value",
            "{\"turn_detection\":{\"type\":\"loud_vad\"}} | turn_detection.type | invalid_value",
            "{\"input_audio_format\":\"mp3\"} | input_audio_format | invalid_value",
            "{\"input_audio_format\":7} | input_audio_format | invalid_type",
            "{\"include\":[\"everything\"]} | include | invalid_value",
            "{\"input_audio_noise_reduction\":{\"type\":\"studio\"}} | input_audio_noise_reduction.type | invalid_value",
            "{\"input_audio_transcription\":{\"language\":\"English\"}} | input_audio_transcription.language | invalid_value",
            "{\"turn_detecton\":null} | turn_detecton | unknown_parameter",
            "{\"client_secret\":{\"expires_at\":{\"anchor\":\"created_at\",\"seconds\":5}}} | client_secret.expires_at.seconds | integer_below_min_value",
    })
    public void badBetaBodiesGet400NamingTheField(String body, String param, String code) {
        var r = given().contentType("application/json").body(body).post("/v1/realtime/transcription_sessions")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo(code));
        if (param != null) {
            r.body("error.param", equalTo(param)).body("error.message", containsString(param));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":16000}}}}} | session.audio.input.format.rate | integer_below_min_value",
            "{\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\",\"idle_timeout_ms\":100}}}}} | session.audio.input.turn_detection.idle_timeout_ms | integer_below_min_value",
            "{\"expires_after\":{\"anchor\":\"created_at\",\"seconds\":99999},\"session\":{\"type\":\"transcription\"}} | expires_after.seconds | integer_above_max_value",
            "{\"session\":{\"audio\":{}}} | session.type | missing_required_parameter",
            "{\"expires_after\":{\"anchor\":\"created_at\",\"seconds\":\"600\"},\"session\":{\"type\":\"transcription\"}} | expires_after.seconds | invalid_type",
            "{\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\",\"threshold\":\"0.5\"}}}}} | session.audio.input.turn_detection.threshold | invalid_type",
    })
    public void badGaBodiesGet400NamingTheField(String body, String param, String code) {
        given().contentType("application/json").body(body).post("/v1/realtime/client_secrets")
                .then().statusCode(400).body("error.param", equalTo(param)).body("error.code", equalTo(code));
    }

    private String session() {
        return given().contentType("application/json").body("{\"turn_detection\":null}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().path("id");
    }

    private void awaitActive(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
    }

    @Test
    public void brokenAudioUploadsGet400AndTheSessionStaysActive() {
        String id = session();
        awaitActive(id);
        given().contentType("audio/wav").body("RIFF....WAVEjunk".getBytes()).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(400).body("error.code", equalTo("invalid_audio"))
                .body("error.message", containsString("WAV"));
        given().contentType("audio/wav").body("hello".getBytes()).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(400).body("error.message", equalTo("not a WAV file: expected a RIFF/WAVE header"));
        given().contentType("audio/pcm").body(new byte[] { 1, 2, 3 }).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(400).body("error.message", containsString("even number of bytes"));
        given().contentType("audio/mpeg").body(new byte[] { 1, 2 }).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(400).body("error.message", containsString("unsupported Content-Type 'audio/mpeg'"));
        byte[] eightBit = TestAudio.wav(TestAudio.toneAndSilence(8000, 100));
        eightBit[34] = 8; // bits per sample
        given().contentType("audio/wav").body(eightBit).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(400).body("error.message", containsString("only 16-bit PCM"));
        given().post("/v1/sessions/sess_missing/audio").then().statusCode(404);

        byte[] ok = TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 200).toLittleEndian();
        given().contentType("application/octet-stream").body(ok).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(200).body("bytes_sent", equalTo(ok.length)).body("duration_ms", equalTo(200));
        given().get("/v1/sessions/" + id).then().body("state", equalTo("active"))
                .body("counters.audio_ms_sent", equalTo(200));
    }

    @Test
    public void badFramesOnProducerSocketsGetErrorEventsAndTheSessionGoesOn() throws Exception {
        int before = FakeUpstreamResource.server().count();
        String secret = given().contentType("application/json").body("{\"turn_detection\":null}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200)
                .extract().path("client_secret.value");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> FakeUpstreamResource.server().count() > before);
        FakeRealtimeServer.Conn upstream = FakeUpstreamResource.server().connections().get(before);
        try (WsClient ws = WsClient.connect("/v1/realtime", Map.of("Authorization", "Bearer " + secret), List.of())) {
            ws.sendBinary(new byte[] { 0, 1, 2, 3, (byte) 0xff });
            ws.send("not json at all");
            ws.send("{\"type\":\"session.destroy\",\"event_id\":\"c2\"}");
            ws.send("{\"type\":\"session.update\",\"event_id\":\"c3\",\"session\":{\"type\":\"transcription\","
                    + "\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\",\"threshold\":7}}}}}");
            ws.send("{\"type\":\"input_audio_buffer.append\",\"event_id\":\"c4\",\"audio\":\"%%%not-base64\"}");
            ws.send("{\"type\":\"input_audio_buffer.append\",\"event_id\":\"c5\",\"audio\":{\"x\":1}}");
            List<String> errors = ws.await(6);
            List<JsonNode> e = errors.stream().map(BadInputTest::json).toList();
            for (JsonNode err : e) {
                assertEquals("error", err.path("type").asText());
                assertEquals("invalid_request_error", err.at("/error/type").asText());
            }
            assertEquals("invalid_event", e.get(0).at("/error/code").asText());
            assertEquals("invalid_json", e.get(1).at("/error/code").asText());
            assertEquals("type", e.get(2).at("/error/param").asText());
            assertEquals("c2", e.get(2).at("/error/event_id").asText());
            assertEquals("session.audio.input.turn_detection.threshold", e.get(3).at("/error/param").asText());
            assertEquals("audio", e.get(4).at("/error/param").asText());
            assertEquals("audio", e.get(5).at("/error/param").asText());

            ws.send("{\"type\":\"input_audio_buffer.clear\",\"event_id\":\"c6\"}");
            ws.awaitText("\"input_audio_buffer.cleared\"");
        }
        assertTrue(upstream.received.stream().noneMatch(f -> f.contains("session.destroy") || f.contains("not-base64")),
                "nothing invalid reached the upstream");
    }

    @Test
    public void garbageOnTheAudioSocketIsAnsweredThere() {
        String id = session();
        awaitActive(id);
        try (WsClient audio = WsClient.connect("/v1/sessions/" + id + "/audio")) {
            audio.sendBinary(new byte[] { 1, 2, 3 });
            String err = audio.awaitText("\"error\"");
            assertTrue(err.contains("even number of bytes"), err);
            audio.send("{\"type\":");
            audio.awaitText("invalid_json");
        }
        given().get("/v1/sessions/" + id).then().body("state", equalTo("active"));
    }

    @Test
    public void unknownSessionSocketsAreRefusedAtUpgrade() {
        Map<String, String> admin = realtime.gateway.testing.TestKeys.bearer(realtime.gateway.testing.TestKeys.ADMIN);
        assertEquals(404, WsClient.upgradeStatus("/v1/sessions/sess_nope/events", admin, List.of()));
        assertEquals(404, WsClient.upgradeStatus("/v1/sessions/sess_nope/audio", admin, List.of()));
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }
}
