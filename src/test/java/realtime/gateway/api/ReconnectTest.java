package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * The upstream drops while a turn is being transcribed: the session reconnects on its own, sends the turn's
 * audio again (every byte once), and the transcript holds the turn once; subscribers are told all of it.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class ReconnectTest {

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    @AfterEach
    void reset() {
        fake().reset();
    }

    static long appendedBytes(FakeRealtimeServer.Conn c) {
        long n = 0;
        for (JsonNode j : c.receivedJson()) {
            if ("input_audio_buffer.append".equals(j.path("type").asText())) {
                n += Base64.getDecoder().decode(j.path("audio").asText()).length;
            }
        }
        return n;
    }

    @Test
    public void aDropMidTurnReconnectsAndTheTurnIsTranscribedOnce() {
        int before = fake().count();
        String id = given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
        FakeRealtimeServer.Conn first = fake().connections().get(before);
        fake().holdCompletions(true);
        byte[] wav = TestAudio.wav(TestAudio.toneAndSilence(24000, 600, 700));
        long audioBytes = 1300 * 48;
        try (WsClient subscriber = WsClient.connect("/v1/sessions/" + id + "/events")) {
            given().contentType("audio/wav").body(wav).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            subscriber.awaitText("input_audio_buffer.committed");
            fake().holdCompletions(false);
            first.close(1011, "internal error");

            subscriber.awaitText("gateway.upstream.reconnected");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake().count() == before + 2);
            FakeRealtimeServer.Conn second = fake().last();
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> given().accept("text/plain")
                    .get("/v1/sessions/" + id + "/transcript").asString().equals("hello world"));
            assertEquals(audioBytes, appendedBytes(first), "the first connection got the upload");
            assertEquals(audioBytes, appendedBytes(second), "the second got it again, every byte once");
            String replaced = subscriber.awaitText("gateway.item.replaced");
            String newId = given().get("/v1/sessions/" + id + "/transcript").then().extract().path("items[0].item_id");
            assertTrue(replaced.contains("\"new_item_id\":\"" + newId + "\""), replaced);
            List<String> texts = subscriber.texts();
            assertTrue(texts.stream().anyMatch(t -> t.contains("\"state\":\"reconnecting\"")
                    && t.contains("upstream closed with code 1011")), "subscribers told why");
            assertEquals(1, (int) given().get("/v1/sessions/" + id + "/transcript").then().extract()
                    .path("items.size()"), "the turn once");
            given().get("/v1/sessions/" + id).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("active"))
                    .body("upstream.reconnects", org.hamcrest.Matchers.equalTo(1));
        }
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }
}
