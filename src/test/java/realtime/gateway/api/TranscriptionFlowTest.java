package realtime.gateway.api;

import static realtime.gateway.testing.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.audio.Pcm;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * The main flow: create a session, attach two differently filtered subscribers, feed a WAV over REST and
 * PCM over the audio socket, and check what every party sees. Black-box only (HTTP and WebSockets), so
 * {@code TranscriptionFlowIT} runs the same tests against the packaged jar.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class TranscriptionFlowTest {

    static final ObjectMapper JSON = new ObjectMapper();

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    @AfterEach
    void resetFake() {
        fake().reset();
    }

    /** Creates a session over the beta REST path and waits until the upstream has confirmed its config. */
    FakeRealtimeServer.Conn createActive(String body, String[] idOut) {
        int before = fake().count();
        String id = given().contentType("application/json").body(body)
                .when().post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).body("id", startsWith("sess_")).extract().path("id");
        idOut[0] = id;
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake().count() > before);
        FakeRealtimeServer.Conn conn = fake().connections().get(before);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> conn.sent.size() >= 2);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> eventsReceived(id) >= 2);
        return conn;
    }

    static long eventsReceived(String id) {
        return ((Number) given().get("/v1/sessions/" + id).then().statusCode(200).extract()
                .path("counters.events_received")).longValue();
    }

    static List<String> upstreamOnly(List<String> frames) {
        List<String> out = new ArrayList<>();
        for (String f : frames) {
            if (!f.startsWith("{\"type\":\"gateway.")) {
                out.add(f);
            }
        }
        return out;
    }

    static String typeOf(String frame) {
        try {
            return JSON.readTree(frame).path("type").asText();
        } catch (Exception e) {
            throw new AssertionError(frame, e);
        }
    }

    @Test
    public void subscribersReceiveEveryUpstreamFrameInOrderByteForByte() throws Exception {
        fake().transcripts(List.of("the first turn", "and the second"));
        String[] id = new String[1];
        FakeRealtimeServer.Conn upstream = createActive("{}", id);
        int baseline = upstream.sent.size();

        try (WsClient all = WsClient.connect("/v1/sessions/" + id[0] + "/events");
                WsClient filtered = WsClient.connect("/v1/sessions/" + id[0]
                        + "/events?types=conversation.item.input_audio_transcription.*,input_audio_buffer.committed&envelope=true");
                WsClient producer = WsClient.connect("/v1/sessions/" + id[0] + "/audio")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id[0])
                    .then().extract().path("counters.subscribers_now")).intValue() == 2);

            // Turn 1: a 16 kHz stereo WAV over REST (down-mixed and resampled to 24 kHz mono).
            byte[] wav = TestAudio.wav(TestAudio.stereo(TestAudio.toneAndSilence(16000, 600, 800)));
            given().contentType("audio/wav").body(wav).when().post("/v1/sessions/" + id[0] + "/audio")
                    .then().statusCode(200).body("duration_ms", equalTo(1400));
            // Turn 2: PCM16 24 kHz over the audio socket, in 20 ms frames.
            byte[] pcm = TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 500, 800).toLittleEndian();
            for (int off = 0; off < pcm.length; off += 960) {
                producer.sendBinary(java.util.Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + 960)));
            }

            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> upstream.sent.stream()
                    .filter(f -> f.contains("\"conversation.item.input_audio_transcription.completed\"")).count() == 2);
            List<String> expected = upstream.sent.subList(baseline, upstream.sent.size());
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> upstreamOnly(all.texts()).size() >= expected.size());
            assertEquals(expected, upstreamOnly(all.texts()), "unfiltered subscriber: every frame, byte for byte");

            List<String> expectedFiltered = expected.stream().filter(f -> {
                String t = typeOf(f);
                return t.startsWith("conversation.item.input_audio_transcription.") || t.equals("input_audio_buffer.committed");
            }).toList();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> filtered.texts().size() >= expectedFiltered.size());
            List<String> got = new ArrayList<>();
            long lastSeq = 0;
            for (String env : filtered.texts()) {
                JsonNode e = JSON.readTree(env);
                long seq = e.get("seq").asLong();
                assertTrue(seq > lastSeq, "sequence numbers increase");
                lastSeq = seq;
                assertTrue(e.get("received_at").asLong() > 0);
                if (!e.get("event").path("type").asText().startsWith("gateway.")) {
                    String prefix = "{\"seq\":" + seq + ",\"received_at\":" + e.get("received_at").asLong() + ",\"event\":";
                    assertTrue(env.startsWith(prefix) && env.endsWith("}"), env);
                    got.add(env.substring(prefix.length(), env.length() - 1));
                }
            }
            assertEquals(expectedFiltered, got, "filtered subscriber: matching frames only, raw inside the envelope");
            assertTrue(producer.texts().isEmpty(), "the audio socket only hears about its own errors");
        }

        given().accept("text/plain").get("/v1/sessions/" + id[0] + "/transcript")
                .then().statusCode(200).body(equalTo("the first turn and the second"));
        given().get("/v1/sessions/" + id[0] + "/transcript").then().statusCode(200)
                .body("items.size()", equalTo(2))
                .body("items[0].text", equalTo("the first turn"))
                .body("items[0].audio_start_ms", equalTo(0))
                .body("items[1].text", equalTo("and the second"))
                .body("items[0].usage.type", equalTo("tokens"));
    }

    @Test
    public void transcriptFollowsSpeechOrderWhenCompletionsArriveOutOfOrder() {
        fake().transcripts(List.of("one", "two", "three"));
        fake().holdCompletions(true);
        String[] id = new String[1];
        FakeRealtimeServer.Conn upstream = createActive("{\"turn_detection\":null}", id);
        byte[] pcm = TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 300).toLittleEndian();
        for (int i = 0; i < 3; i++) {
            given().contentType("audio/pcm").body(pcm).queryParam("commit", true)
                    .post("/v1/sessions/" + id[0] + "/audio").then().statusCode(200).body("committed", equalTo(true));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstream.sent.stream()
                .filter(f -> f.contains("\"input_audio_buffer.committed\"")).count() == 3);
        upstream.releaseCompletionsReversed();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/v1/sessions/" + id[0] + "/transcript")
                .then().extract().<List<?>>path("items").size() == 3);
        List<String> arrival = upstream.sent.stream().filter(f -> f.contains("transcription.completed"))
                .map(f -> f.replaceAll(".*\"transcript\":\"([a-z]+)\".*", "$1")).toList();
        assertEquals(List.of("three", "two", "one"), arrival, "the fake sent completions in reverse");
        given().accept("text/plain").get("/v1/sessions/" + id[0] + "/transcript").then().body(equalTo("one two three"));
    }

    @Test
    public void deleteClosesUpstreamCleanlyAndSubscribersGetAFinalEvent() {
        String[] id = new String[1];
        FakeRealtimeServer.Conn upstream = createActive("{}", id);
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id[0] + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id[0])
                    .then().extract().path("counters.subscribers_now")).intValue() == 1);
            given().delete("/v1/sessions/" + id[0]).then().statusCode(200);
            assertEquals(1000, sub.awaitClose());
            List<String> frames = sub.texts();
            String last = frames.get(frames.size() - 1);
            assertTrue(last.startsWith("{\"type\":\"gateway.session.closed\""), last);
            assertTrue(last.contains("\"state\":\"closed\""), last);
            assertTrue(frames.stream().anyMatch(f -> f.contains("\"state\":\"closing\"")));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upstream.closeCode != null);
        assertEquals(1000, upstream.closeCode);
        given().get("/v1/sessions/" + id[0]).then().statusCode(200).body("state", equalTo("closed"));
        given().delete("/v1/sessions/sess_doesnotexist").then().statusCode(404)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    public void upstreamReceivesTheUrlKeyAndTranscriptionConfig() {
        String[] id = new String[1];
        FakeRealtimeServer.Conn upstream = createActive(
                "{\"input_audio_transcription\":{\"model\":\"whisper-1\",\"language\":\"de\"},\"turn_detection\":null}", id);
        assertEquals("/v1/realtime", upstream.path);
        assertEquals("intent=transcription", upstream.query);
        assertEquals("Bearer " + FakeRealtimeServer.KEY, upstream.headers.get("Authorization"));
        assertEquals(null, upstream.headers.get("OpenAI-Beta"));
        JsonNode update = upstream.receivedJson().get(0);
        assertEquals("session.update", update.path("type").asText());
        assertEquals("transcription", update.at("/session/type").asText());
        assertEquals("whisper-1", update.at("/session/audio/input/transcription/model").asText());
        assertEquals("de", update.at("/session/audio/input/transcription/language").asText());
        assertTrue(update.at("/session/audio/input/turn_detection").isNull(), "VAD off is sent as an explicit null");
        assertEquals("audio/pcm", update.at("/session/audio/input/format/type").asText());
    }
}
