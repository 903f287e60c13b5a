package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.given;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * A subscriber that drops and comes back with the last sequence number it saw gets every frame it missed,
 * exactly once, then the live stream: over the events socket ({@code ?after=}) and over SSE
 * ({@code Last-Event-ID}, as a browser's EventSource sends it), also after the session has ended.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class ResumeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    static String activeSession() {
        String id = given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
        return id;
    }

    static void speak(String id) {
        given().contentType("audio/wav").body(TestAudio.wav(TestAudio.toneAndSilence(24000, 500, 700)))
                .post("/v1/sessions/" + id + "/audio").then().statusCode(200);
    }

    static long lastSeq(WsClient c) {
        List<String> t = c.texts();
        return t.isEmpty() ? -1 : json(t.get(t.size() - 1)).path("seq").asLong();
    }

    static List<Long> seqs(WsClient c) {
        return c.texts().stream().map(t -> json(t).path("seq").asLong()).toList();
    }

    static long completions(WsClient c) {
        return c.texts().stream().filter(t -> t.contains("input_audio_transcription.completed")).count();
    }

    @Test
    public void aSubscriberThatDropsMidTurnAndResumesGetsEveryFrameOnce() {
        String id = activeSession();
        String events = "/v1/sessions/" + id + "/events?envelope=true";
        try (WsClient witness = WsClient.connect(events)) {
            long last;
            try (WsClient first = WsClient.connect(events)) {
                speak(id);
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> completions(first) == 1);
                List<String> seen = first.texts();
                last = json(seen.get(seen.size() - 1)).path("seq").asLong();
            }
            // While it is away: a second turn.
            speak(id);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> completions(witness) == 2);
            try (WsClient back = WsClient.connect(events + "&after=" + last)) {
                // Until the resumed subscriber has caught up with the one that never left.
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> lastSeq(back) >= lastSeq(witness));
                } catch (RuntimeException e) {
                    throw new AssertionError("resumed after " + last + ": got seqs " + seqs(back) + ", the witness "
                            + seqs(witness) + ", closed " + back.closeCode() + " " + back.closeReason(), e);
                }
                long end = lastSeq(witness);
                List<String> resumed = back.texts();
                JsonNode replay = json(resumed.get(0)).path("event");
                assertEquals("gateway.replay", replay.path("type").asText());
                assertTrue(replay.path("recovered").asBoolean());
                assertEquals(last + 1, replay.path("from_seq").asLong());
                long to = replay.path("to_seq").asLong();
                assertTrue(to > last && to <= end, "replayed up to the seq at the resume: " + to);
                List<String> missedByWitness = new ArrayList<>();
                for (String w : witness.texts()) {
                    long seq = json(w).path("seq").asLong();
                    if (seq > last && seq <= end) {
                        missedByWitness.add(w);
                    }
                }
                List<String> resumedUpToEnd = resumed.subList(1, resumed.size()).stream()
                        .filter(r -> json(r).path("seq").asLong() <= end).toList();
                assertEquals(missedByWitness, resumedUpToEnd,
                        "the same frames as a subscriber that never left, once each, in order");
            }
        }
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }

    @Test
    public void sseResumesFromLastEventIdEvenAfterTheSessionEnded() throws Exception {
        String id = activeSession();
        speak(id);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> given().accept("text/plain")
                .get("/v1/sessions/" + id + "/transcript").asString().length() > 0);
        given().delete("/v1/sessions/" + id).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "closed".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));

        HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + RestAssured.port + "/v1/sessions/" + id + "/events"))
                .header("Authorization", "Bearer " + TestKeys.ADMIN).header("Accept", "text/event-stream")
                .header("Last-Event-ID", "3").timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        r.body().forEach(line -> {
            if (line.startsWith("id:")) {
                ids.add(line.substring(3).strip());
            } else if (line.startsWith("event:")) {
                names.add(line.substring(6).strip());
            }
        });
        assertEquals("gateway.replay", names.get(0));
        assertEquals("3", ids.get(0), "the replay event carries the position it resumes after");
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(3 + i, Long.parseLong(ids.get(i)), "consecutive from 4: " + ids);
        }
        assertEquals("gateway.session.closed", names.get(names.size() - 1), "the history ends with the close");
    }

    @Test
    public void aResumePositionThatIsNotANumberIsRefused() {
        String id = activeSession();
        given().accept("text/event-stream").header("Last-Event-ID", "yesterday").get("/v1/sessions/" + id + "/events")
                .then().statusCode(400).body("error.param", org.hamcrest.Matchers.equalTo("Last-Event-ID"));
        assertEquals(400, WsClient.upgradeStatus("/v1/sessions/" + id + "/events?after=-5",
                TestKeys.bearer(TestKeys.ADMIN), List.of()));
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }
}
