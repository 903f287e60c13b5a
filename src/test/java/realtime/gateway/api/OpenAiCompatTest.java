package realtime.gateway.api;

import static realtime.gateway.testing.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import realtime.gateway.event.Corpus;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/** The OpenAI-compatible surface: both REST dialects, and {@code /v1/realtime} with the minted secret. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class OpenAiCompatTest {

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    @Test
    public void betaCreateReturnsTheTranscriptionSessionShapeWithAClientSecret() {
        JsonPath body = given().contentType("application/json")
                .body(Corpus.read("rest.realtime.transcription_sessions.request.json"))
                .post("/v1/realtime/transcription_sessions").then().statusCode(200)
                .body("object", equalTo("realtime.transcription_session"))
                .body("id", startsWith("sess_"))
                .body("input_audio_format", equalTo("pcm16"))
                .body("input_audio_transcription.model", equalTo("gpt-4o-transcribe"))
                .body("turn_detection.silence_duration_ms", equalTo(500))
                .body("input_audio_noise_reduction.type", equalTo("near_field"))
                .body("include[0]", equalTo("item.input_audio_transcription.logprobs"))
                .body("client_secret.value", startsWith("ek_"))
                .extract().jsonPath();
        long expires = body.getLong("client_secret.expires_at");
        long now = System.currentTimeMillis() / 1000;
        assertTrue(expires >= now + 590 && expires <= now + 610, "600 s as requested: " + expires);
        // The session itself ends at the key's max-session-duration (1 h by default), not at "0".
        long sessionExpires = body.getLong("expires_at");
        assertTrue(sessionExpires >= now + 3590 && sessionExpires <= now + 3610, "session expiry: " + sessionExpires);
        assertTrue(body.getString("client_secret.value").length() >= 3 + 22, "at least 128 bits of secret");
    }

    @Test
    public void gaCreateReturnsValueExpiresAtAndTheSession() {
        given().contentType("application/json")
                .body(Corpus.read("rest.realtime.client_secrets.transcription.request.json"))
                .post("/v1/realtime/client_secrets").then().statusCode(200)
                .body("value", startsWith("ek_"))
                .body("expires_at", greaterThan((int) (System.currentTimeMillis() / 1000)))
                .body("session.type", equalTo("transcription"))
                .body("session.object", equalTo("realtime.transcription_session"))
                .body("session.id", startsWith("sess_"))
                .body("session.expires_at", greaterThan((int) (System.currentTimeMillis() / 1000 + 3500)))
                .body("session.audio.input.format.rate", equalTo(24000))
                .body("session.audio.input.noise_reduction.type", equalTo("far_field"))
                .body("session.audio.input.turn_detection.silence_duration_ms", equalTo(500))
                .body("session.audio.input.turn_detection.threshold", equalTo(0.5f));
    }

    @Test
    public void gaCreateRefusesARealtimeSession() {
        given().contentType("application/json").body(Corpus.read("rest.realtime.client_secrets.request.json"))
                .post("/v1/realtime/client_secrets").then().statusCode(400)
                .body("error.param", equalTo("session.type"))
                .body("error.code", equalTo("invalid_value"));
    }

    private String secret() {
        return given().contentType("application/json").body("{\"turn_detection\":null}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200)
                .extract().path("client_secret.value");
    }

    @Test
    public void producerByHeaderSendsEventsAndHearsTheUpstream() {
        int before = fake().count();
        String secret = secret();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake().count() > before);
        FakeRealtimeServer.Conn upstream = fake().connections().get(before);
        try (WsClient ws = WsClient.connect("/v1/realtime", Map.of("Authorization", "Bearer " + secret), List.of())) {
            ws.send(Corpus.read("ga.client.session.update.transcription.json"));
            String updated = ws.awaitText("\"session.updated\"");
            assertTrue(updated.contains("\"gpt-4o-transcribe\""), updated);
            ws.send(Corpus.read("client.input_audio_buffer.append.json"));
            ws.send("{\"type\":\"input_audio_buffer.commit\",\"event_id\":\"c_commit\"}");
            String err = ws.awaitText("input_audio_buffer_commit_empty");
            assertTrue(err.contains("\"event_id\":\"c_commit\""), "the upstream error echoes the client event id");
            assertTrue(ws.texts().stream().noneMatch(t -> t.contains("gateway.")), "producers get upstream frames only");
        }
        List<String> types = upstream.receivedJson().stream().map(j -> j.path("type").asText()).toList();
        assertEquals(List.of("session.update", "session.update", "input_audio_buffer.append", "input_audio_buffer.commit"),
                types);
        JsonNode forwarded = upstream.receivedJson().get(1);
        assertEquals("evt_client_0001", forwarded.path("event_id").asText(), "the client's event id is kept");
    }

    @Test
    public void producerBySubprotocolIsAcceptedAndTheServerSelectsRealtime() {
        String secret = secret();
        try (WsClient ws = WsClient.connect("/v1/realtime", Map.of(),
                List.of("realtime", "openai-insecure-api-key." + secret))) {
            assertEquals("realtime", ws.subprotocol());
            ws.send(Corpus.read("client.transcription_session.update.json"));
            String updated = ws.awaitText("\"session.updated\"");
            assertTrue(updated.contains("\"gpt-4o-transcribe\""), "beta update reached a GA upstream as session.update");
        }
    }

    @Test
    public void missingWrongAndExpiredSecretsAreRefusedWith401() throws Exception {
        assertEquals(401, WsClient.upgradeStatus("/v1/realtime", Map.of(), List.of()));
        assertEquals(401, WsClient.upgradeStatus("/v1/realtime", Map.of("Authorization", "Bearer ek_wrong"), List.of()));
        assertEquals(401, WsClient.upgradeStatus("/v1/realtime", Map.of(),
                List.of("realtime", "openai-insecure-api-key.ek_wrong")));
        String shortLived = given().contentType("application/json")
                .body("{\"client_secret\":{\"expires_at\":{\"anchor\":\"created_at\",\"seconds\":10}}}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200)
                .extract().path("client_secret.value");
        assertEquals(101, WsClient.upgradeStatus("/v1/realtime", Map.of("Authorization", "Bearer " + shortLived),
                List.of()));
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> WsClient.upgradeStatus("/v1/realtime", Map.of("Authorization", "Bearer " + shortLived),
                        List.of()) == 401);
    }

    @Test
    public void restErrorsUseOpenAisShape() {
        given().contentType("application/json").body("{\"input_audio_format\":\"mp3\"}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_value"))
                .body("error.param", equalTo("input_audio_format"))
                .body("error.message", equalTo("Invalid value for 'input_audio_format': 'mp3'. Supported values are: 'g711_alaw', 'g711_ulaw', 'pcm16'."));
        given().get("/v1/sessions/sess_nope").then().statusCode(404)
                .body("error.code", equalTo("not_found")).body("error.param", nullValue());
    }
}
