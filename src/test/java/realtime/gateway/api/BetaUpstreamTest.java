package realtime.gateway.api;

import static realtime.gateway.testing.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.audio.Pcm;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/** {@code gateway.upstream.dialect=beta}: the beta header and {@code transcription_session.update} upstream. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(BetaUpstreamTest.Beta.class)
public class BetaUpstreamTest {

    /** Speak beta upstream. */
    public static class Beta implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upstream.dialect", "beta");
        }
    }

    @Test
    public void betaUpstreamGetsTheBetaHeaderAndUpdateAndStillTranscribes() {
        FakeRealtimeServer fake = FakeUpstreamResource.server();
        fake.transcripts(List.of("beta words"));
        int before = fake.count();
        String id = given().contentType("application/json")
                .body("{\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{\"turn_detection\":null}}}}")
                .post("/v1/realtime/client_secrets").then().statusCode(200).extract().path("session.id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.count() > before);
        FakeRealtimeServer.Conn up = fake.connections().get(before);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !up.received.isEmpty());
        assertEquals("realtime=v1", up.headers.get("OpenAI-Beta"));
        JsonNode update = up.receivedJson().get(0);
        assertEquals("transcription_session.update", update.path("type").asText());
        assertEquals("pcm16", update.at("/session/input_audio_format").asText());
        assertEquals(true, update.at("/session/turn_detection").isNull());

        given().contentType("audio/pcm").body(TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 300).toLittleEndian())
                .queryParam("commit", true).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "beta words".equals(
                given().accept("text/plain").get("/v1/sessions/" + id + "/transcript").then().extract().asString()));
        given().get("/v1/sessions/" + id).then().body("counters.events_by_type.'conversation.item.created'", equalTo(1))
                .body("config.audio.input.turn_detection", equalTo(null));
        fake.reset();
    }
}
