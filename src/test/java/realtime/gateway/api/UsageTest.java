package realtime.gateway.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static realtime.gateway.testing.Api.as;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * Usage per session and per key equals, exactly, the audio the gateway sent and the usage the fake
 * upstream reported in its {@code completed} events (token-billed and duration-billed).
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class UsageTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    public void sessionAndKeyUsageMatchWhatTheUpstreamReported() throws Exception {
        FakeRealtimeServer fake = FakeUpstreamResource.server();
        int before = fake.count();
        long start = System.currentTimeMillis() / 1000;
        String id = as(TestKeys.USAGE).contentType("application/json").body("{}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.count() > before);
        FakeRealtimeServer.Conn upstream = fake.connections().get(before);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(
                as(TestKeys.USAGE).get("/v1/sessions/" + id).then().extract().path("state")));

        // Two spoken turns through the fake's VAD (token usage), plus a duration-billed and a detailed token completion.
        byte[] audio = TestAudio.toneAndSilence(24000, 800, 700, 600, 900).toLittleEndian();
        as(TestKeys.USAGE).contentType("audio/pcm").body(audio).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> completions(upstream).size() == 2);
        upstream.send("{\"type\":\"conversation.item.input_audio_transcription.completed\",\"event_id\":\"event_u1\","
                + "\"item_id\":\"item_u1\",\"content_index\":0,\"transcript\":\"a\",\"usage\":{\"type\":\"duration\","
                + "\"seconds\":2.75}}");
        upstream.send("{\"type\":\"conversation.item.input_audio_transcription.completed\",\"event_id\":\"event_u2\","
                + "\"item_id\":\"item_u2\",\"content_index\":0,\"transcript\":\"b\",\"usage\":{\"type\":\"tokens\","
                + "\"input_tokens\":17,\"output_tokens\":4,\"total_tokens\":21,\"input_token_details\":"
                + "{\"text_tokens\":5,\"audio_tokens\":12}}}");
        List<JsonNode> sent = completions(upstream);
        assertEquals(4, sent.size());
        long in = 0, out = 0, total = 0, audioTokens = 0, textTokens = 0;
        double seconds = 0;
        for (JsonNode c : sent) {
            JsonNode u = c.path("usage");
            in += u.path("input_tokens").asLong();
            out += u.path("output_tokens").asLong();
            total += u.path("total_tokens").asLong();
            audioTokens += u.path("input_token_details").path("audio_tokens").asLong();
            textTokens += u.path("input_token_details").path("text_tokens").asLong();
            seconds += u.path("seconds").asDouble();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) as(TestKeys.USAGE)
                .get("/v1/sessions/" + id).then().extract().path("usage.upstream.transcriptions")).intValue() == 4);
        double audioSeconds = audio.length / 48000.0;

        JsonPath session = as(TestKeys.USAGE).get("/v1/sessions/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(audioSeconds, session.getDouble("usage.audio_seconds"));
        assertEquals(in, session.getLong("usage.upstream.input_tokens"));
        assertEquals(out, session.getLong("usage.upstream.output_tokens"));
        assertEquals(total, session.getLong("usage.upstream.total_tokens"));
        assertEquals(audioTokens, session.getLong("usage.upstream.input_audio_tokens"));
        assertEquals(textTokens, session.getLong("usage.upstream.input_text_tokens"));
        assertEquals(seconds, session.getDouble("usage.upstream.duration_seconds"));

        long end = System.currentTimeMillis() / 1000 + 1;
        for (JsonPath key : List.of(
                as(TestKeys.USAGE).queryParam("start_time", start).queryParam("end_time", end).get("/v1/usage")
                        .then().statusCode(200).body("data.size()", equalTo(1)).extract().jsonPath(),
                given().queryParam("key", "usage").get("/v1/usage").then().statusCode(200)
                        .body("data.size()", equalTo(1)).extract().jsonPath())) {
            assertEquals("usage", key.getString("data[0].key"));
            assertEquals(1, key.getLong("data[0].sessions_created"));
            assertEquals(audioSeconds, key.getDouble("data[0].audio_seconds"));
            assertEquals(in, key.getLong("data[0].upstream.input_tokens"));
            assertEquals(out, key.getLong("data[0].upstream.output_tokens"));
            assertEquals(total, key.getLong("data[0].upstream.total_tokens"));
            assertEquals(audioTokens, key.getLong("data[0].upstream.input_audio_tokens"));
            assertEquals(seconds, key.getDouble("data[0].upstream.duration_seconds"));
            assertEquals(4, key.getLong("data[0].upstream.transcriptions"));
        }
        // A range before the session saw nothing.
        as(TestKeys.USAGE).queryParam("start_time", 0).queryParam("end_time", start - 120).get("/v1/usage").then()
                .statusCode(200).body("data[0].sessions_created", equalTo(0)).body("data[0].audio_seconds", equalTo(0.0f));
    }

    @Test
    public void aClientKeySeesOnlyItsOwnUsageAndBadRangesAreRefused() {
        as(TestKeys.TENANT_A).get("/v1/usage").then().statusCode(200).body("data.size()", equalTo(1))
                .body("data[0].key", equalTo("tenant-a"));
        as(TestKeys.TENANT_A).queryParam("key", "test-admin").get("/v1/usage").then().statusCode(404);
        given().get("/v1/usage").then().statusCode(200).body("data.key", org.hamcrest.Matchers.hasItems("test-admin",
                "tenant-a", "tenant-b", "usage"));
        given().queryParam("start_time", 100).queryParam("end_time", 50).get("/v1/usage").then().statusCode(400)
                .body("error.param", equalTo("start_time"));
        given().queryParam("end_time", "yesterday").get("/v1/usage").then().statusCode(400)
                .body("error.param", equalTo("end_time"));
    }

    static List<JsonNode> completions(FakeRealtimeServer.Conn upstream) {
        return upstream.sent.stream().map(t -> {
            try {
                return JSON.readTree(t);
            } catch (Exception e) {
                throw new AssertionError(t, e);
            }
        }).filter(j -> j.path("type").asText().equals("conversation.item.input_audio_transcription.completed")).toList();
    }
}
