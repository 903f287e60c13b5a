package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

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
 * The upstream fails at each point of the turn sequence (before speech starts, mid-speech, after a commit
 * before its transcription, between two turns, during a configuration update) and in each way (closes 1000,
 * 1001, 1011, a {@code server_error}, refused reconnects). Each case asserts what a user sees: the transcript's
 * text and order, the events subscribers got (told of the reconnect, no frame twice), and the audio bytes each
 * upstream connection received.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class FaultMatrixTest {

    static final int BYTES_PER_MS = 48;

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    @AfterEach
    void reset() {
        fake().reset();
    }

    /** One session with a subscriber, and the upstream connections it opens. */
    final class Run implements AutoCloseable {
        final String id;
        final String secret;
        final int before;
        final WsClient subscriber;
        long uploaded;

        Run() {
            before = fake().count();
            io.restassured.path.json.JsonPath created = given().contentType("application/json")
                    .body("{\"session\":{\"type\":\"transcription\"}}").post("/v1/realtime/client_secrets").then()
                    .statusCode(200).extract().jsonPath();
            id = created.getString("session.id");
            secret = created.getString("value");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
            subscriber = WsClient.connect("/v1/sessions/" + id + "/events?envelope=true");
        }

        FakeRealtimeServer.Conn conn(int n) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake().count() > before + n);
            return fake().connections().get(before + n);
        }

        /** Uploads PCM16 24 kHz: alternating tone and silence segments, starting with a tone. */
        void upload(int... ms) {
            byte[] pcm = TestAudio.toneAndSilence(24000, ms).toLittleEndian();
            given().contentType("audio/pcm").body(pcm).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            uploaded += pcm.length;
        }

        void silence(int ms) {
            upload(0, ms);
        }

        void awaitTranscript(String text) {
            try {
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> given().accept("text/plain")
                        .get("/v1/sessions/" + id + "/transcript").asString().equals(text));
            } catch (RuntimeException e) {
                throw new AssertionError("transcript is '" + given().accept("text/plain")
                        .get("/v1/sessions/" + id + "/transcript").asString() + "', not '" + text + "'", e);
            }
        }

        int items() {
            return given().get("/v1/sessions/" + id + "/transcript").then().extract().path("items.size()");
        }

        /** Subscribers saw each sequence number once, in order, and were told of each reconnect. */
        void assertStreamIntact(int reconnects) {
            List<Long> seqs = new ArrayList<>();
            for (String t : subscriber.texts()) {
                seqs.add(ResumeTest.json(t).path("seq").asLong());
            }
            for (int i = 1; i < seqs.size(); i++) {
                assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "consecutive, no duplicate: " + seqs);
            }
            long told = subscriber.texts().stream().filter(t -> t.contains("\"gateway.upstream.reconnected\"")).count();
            assertEquals(reconnects, told, "one gateway.upstream.reconnected per reconnect");
            given().get("/v1/sessions/" + id).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("active"))
                    .body("upstream.reconnects", org.hamcrest.Matchers.equalTo(reconnects));
        }

        @Override
        public void close() {
            subscriber.close();
            given().delete("/v1/sessions/" + id).then().statusCode(200);
        }
    }

    static long appended(FakeRealtimeServer.Conn c) {
        return ReconnectTest.appendedBytes(c);
    }

    @Test
    public void aCloseBeforeSpeechStartsSendsTheOpenAudioAgain() {
        try (Run run = new Run()) {
            FakeRealtimeServer.Conn first = run.conn(0);
            run.silence(400);
            first.close(1011, "internal error");
            run.subscriber.awaitText("gateway.upstream.reconnected");
            run.upload(600, 700);
            run.awaitTranscript("hello world");
            FakeRealtimeServer.Conn second = run.conn(1);
            assertEquals(400 * BYTES_PER_MS, appended(first));
            assertEquals(run.uploaded, appended(second), "the open silence again, then the turn: each byte once");
            assertEquals(1, run.items());
            run.assertStreamIntact(1);
        }
    }

    @Test
    public void aNormalCloseMidSpeechIsAReconnectAndTheTurnIsWhole() {
        try (Run run = new Run()) {
            FakeRealtimeServer.Conn first = run.conn(0);
            run.upload(400);
            run.subscriber.awaitText("input_audio_buffer.speech_started");
            first.close(1000, "");
            run.subscriber.awaitText("gateway.upstream.reconnected");
            run.upload(200, 700);
            run.awaitTranscript("hello world");
            FakeRealtimeServer.Conn second = run.conn(1);
            assertEquals(400 * BYTES_PER_MS, appended(first));
            assertEquals(run.uploaded, appended(second), "the start of the turn again, then the rest");
            assertEquals(1, run.items(), "one turn, not two halves");
            assertTrue(run.subscriber.texts().stream().anyMatch(t -> t.contains("\"state\":\"reconnecting\"")
                    && t.contains("upstream closed with code 1000")), "a 1000 mid-turn is no clean end");
            run.assertStreamIntact(1);
        }
    }

    @Test
    public void aCloseAfterTheCommitBeforeTheTranscriptionSendsTheTurnAgain() {
        try (Run run = new Run()) {
            FakeRealtimeServer.Conn first = run.conn(0);
            fake().holdCompletions(true);
            run.upload(600, 700);
            run.subscriber.awaitText("input_audio_buffer.committed");
            fake().holdCompletions(false);
            first.close(1001, "going away");
            run.subscriber.awaitText("gateway.upstream.reconnected");
            run.awaitTranscript("hello world");
            FakeRealtimeServer.Conn second = run.conn(1);
            assertEquals(run.uploaded, appended(first));
            assertEquals(run.uploaded, appended(second));
            assertEquals(1, run.items());
            run.subscriber.awaitText("gateway.item.replaced");
            run.assertStreamIntact(1);
        }
    }

    @Test
    public void aServerErrorBetweenTwoTurnsKeepsTheFirstAndTranscribesTheSecond() {
        fake().transcripts(List.of("one", "two"));
        try (Run run = new Run()) {
            FakeRealtimeServer.Conn first = run.conn(0);
            run.upload(600, 700);
            run.awaitTranscript("one");
            long firstTurn = run.uploaded;
            first.send("{\"type\":\"error\",\"event_id\":\"event_x\",\"error\":{\"type\":\"server_error\","
                    + "\"code\":\"server_error\",\"message\":\"The server had an error while processing your request.\","
                    + "\"param\":null,\"event_id\":null}}");
            run.subscriber.awaitText("gateway.upstream.reconnected");
            run.upload(600, 700);
            run.awaitTranscript("one two");
            FakeRealtimeServer.Conn second = run.conn(1);
            assertEquals(firstTurn, appended(first));
            assertEquals(run.uploaded - firstTurn, appended(second), "the transcribed turn is not sent again");
            assertEquals(2, run.items());
            run.assertStreamIntact(1);
        }
    }

    @Test
    public void aDropDuringAConfigurationUpdateAppliesTheUpdateOnTheNewConnection() {
        try (Run run = new Run()) {
            FakeRealtimeServer.Conn first = run.conn(0);
            fake().dropOnNextCallerUpdate(1011);
            try (WsClient producer = WsClient.connect("/v1/realtime", Map.of("Authorization", "Bearer " + run.secret),
                    List.of())) {
                producer.send("{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":"
                        + "{\"transcription\":{\"model\":\"gpt-4o-transcribe\",\"language\":\"de\"}}}}}");
                run.subscriber.awaitText("gateway.upstream.reconnected");
                FakeRealtimeServer.Conn second = run.conn(1);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "de".equals(given()
                        .get("/v1/sessions/" + run.id).then().extract().path("config.audio.input.transcription.language")));
                List<JsonNode> updates = second.receivedJson().stream()
                        .filter(j -> "session.update".equals(j.path("type").asText())).toList();
                assertEquals(2, updates.size(), "the effective configuration, then the unconfirmed update: " + updates);
                assertEquals("de", updates.get(1).path("session").path("audio").path("input").path("transcription")
                        .path("language").asText());
                assertEquals(1, first.receivedJson().stream()
                        .filter(j -> "session.update".equals(j.path("type").asText())
                                && j.toString().contains("\"language\":\"de\"")).count(), "sent once before the drop");
            }
            run.upload(600, 700);
            run.awaitTranscript("hello world");
            run.assertStreamIntact(1);
        }
    }

    @Test
    public void refusedReconnectsAreRetriedWithBackoffAndEveryAttemptIsAnnounced() {
        try (Run run = new Run()) {
            FakeRealtimeServer.Conn first = run.conn(0);
            fake().refuse(2, "503");
            first.close(1011, "internal error");
            String back = run.subscriber.awaitText("gateway.upstream.reconnected");
            assertTrue(back.contains("\"attempt\":3"), back);
            List<Integer> attempts = run.subscriber.texts().stream()
                    .filter(t -> t.contains("\"gateway.upstream.reconnecting\""))
                    .map(t -> ResumeTest.json(t).path("event").path("attempt").asInt()).toList();
            assertEquals(List.of(1, 2, 3), attempts, "subscribers told of every attempt");
            run.upload(600, 700);
            run.awaitTranscript("hello world");
            assertEquals(run.uploaded, appended(run.conn(1)), "the refused attempts opened no connection at the fake");
            run.assertStreamIntact(1);
        }
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
