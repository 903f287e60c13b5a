package realtime.gateway.upstream.local;

import static realtime.gateway.testing.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;
import realtime.gateway.testing.WsClient;

/** The offline provider end to end, on real speech ({@code goforward}, see test resources' audio/README.md). */
@QuarkusTest
@TestProfile(LocalEngineTest.Local.class)
public class LocalEngineTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXPECTED = "go forward ten meters";

    /** The local provider with two recognizers. */
    public static class Local implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upstream.provider", "local", "gateway.local.pool-size", "2");
        }
    }

    static byte[] goforward() throws Exception {
        try (InputStream in = LocalEngineTest.class.getResourceAsStream("/audio/goforward.wav")) {
            return in.readAllBytes();
        }
    }

    static byte[] silence(int ms) {
        return new byte[ms * 48];
    }

    @BeforeEach
    void engineReady() {
        Awaitility.await().atMost(Duration.ofSeconds(120))
                .until(() -> given().get("/q/health/ready").then().extract().statusCode() == 200);
    }

    static String create(String body) {
        String id = given().contentType("application/json").body(body).post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(
                given().get("/v1/sessions/" + id).then().extract().path("state")));
        return id;
    }

    static String transcript(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !given().get("/v1/sessions/" + id + "/transcript")
                .then().extract().<List<?>>path("items").isEmpty());
        return given().accept("text/plain").get("/v1/sessions/" + id + "/transcript").then().extract().asString();
    }

    static List<JsonNode> json(List<String> frames) {
        List<JsonNode> out = new ArrayList<>();
        for (String f : frames) {
            try {
                JsonNode n = JSON.readTree(f);
                if (!n.path("type").asText().startsWith("gateway.")) {
                    out.add(n);
                }
            } catch (Exception e) {
                throw new AssertionError(f, e);
            }
        }
        return out;
    }

    @Test
    public void goforwardOverRestGivesTheTextAndTheFullGaSequence() throws Exception {
        String id = create("{}");
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id)
                    .then().extract().path("counters.subscribers_now")).intValue() == 1);
            given().contentType("audio/wav").body(goforward()).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            assertEquals(EXPECTED, transcript(id));

            sub.awaitText("transcription.completed");
            List<JsonNode> ev = json(sub.texts());
            List<String> types = ev.stream().map(e -> e.path("type").asText()).toList();
            int firstDelta = types.indexOf("conversation.item.input_audio_transcription.delta");
            assertEquals(List.of("input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                    "input_audio_buffer.committed", "conversation.item.added", "conversation.item.done"),
                    types.subList(0, 5));
            assertEquals(5, firstDelta, types.toString());
            assertEquals("conversation.item.input_audio_transcription.completed", types.get(types.size() - 1));
            String item = ev.get(0).path("item_id").asText();
            assertTrue(item.startsWith("item_"));
            for (JsonNode e : ev) {
                assertTrue(e.path("event_id").asText().startsWith("event_"), e.toString());
                String itemId = e.has("item") ? e.at("/item/id").asText() : e.path("item_id").asText();
                assertEquals(item, itemId, e.toString());
            }
            assertTrue(ev.get(2).get("previous_item_id").isNull(), "first item has no previous item");
            long start = ev.get(0).path("audio_start_ms").asLong();
            long end = ev.get(1).path("audio_end_ms").asLong();
            assertTrue(start >= 0 && start < end && end <= 2790, start + ".." + end);
            JsonNode done = ev.get(ev.size() - 1);
            assertEquals(EXPECTED, done.path("transcript").asText());
            assertEquals("duration", done.at("/usage/type").asText());
            StringBuilder deltas = new StringBuilder();
            ev.stream().filter(e -> e.path("type").asText().endsWith(".delta")).forEach(e -> deltas.append(e.path("delta").asText()));
            assertEquals(EXPECTED, deltas.toString(), "deltas concatenate to the transcript");
        }
    }

    @Test
    public void streamingTwentyMillisecondFramesGivesTheSameTextWithADeltaFirst() throws Exception {
        String id = create("{}");
        byte[] pcm = Wav.parse(goforward()).monoAt(Pcm.UPSTREAM_RATE).toLittleEndian();
        byte[] all = new byte[pcm.length + silence(1000).length];
        System.arraycopy(pcm, 0, all, 0, pcm.length);
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events?types=conversation.item.input_audio_transcription.*");
                WsClient producer = WsClient.connect("/v1/sessions/" + id + "/audio")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id)
                    .then().extract().path("counters.subscribers_now")).intValue() == 1);
            for (int off = 0; off < all.length; off += 960) {
                producer.sendBinary(java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + 960)));
            }
            assertEquals(EXPECTED, transcript(id));
            sub.awaitText(".completed");
            List<String> types = json(sub.texts()).stream().map(e -> e.path("type").asText()).toList();
            assertTrue(types.indexOf("conversation.item.input_audio_transcription.delta") >= 0
                    && types.indexOf("conversation.item.input_audio_transcription.delta")
                            < types.indexOf("conversation.item.input_audio_transcription.completed"), types.toString());
            assertNull(producer.closeCode());
        }
    }

    @Test
    public void manualCommitModeMakesItemsOnlyOnCommit() throws Exception {
        String id = create("{\"turn_detection\":null}");
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id)
                    .then().extract().path("counters.subscribers_now")).intValue() == 1);
            given().contentType("audio/wav").body(goforward()).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            given().get("/v1/sessions/" + id).then().body("counters.events_by_type.'input_audio_buffer.speech_started'",
                    equalTo(null));
            given().post("/v1/sessions/" + id + "/commit").then().statusCode(200);
            assertEquals(EXPECTED, transcript(id));
            assertTrue(json(sub.texts()).stream().noneMatch(e -> e.path("type").asText().contains("speech_")));
        }
    }

    @Test
    public void clearAndAnEmptyCommitBehaveAsTheProtocolSays() {
        String id = create("{\"turn_detection\":null}");
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id)
                    .then().extract().path("counters.subscribers_now")).intValue() == 1);
            given().contentType("audio/pcm").body(silence(50)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            given().post("/v1/sessions/" + id + "/commit").then().statusCode(200);
            String err = sub.awaitText("input_audio_buffer_commit_empty");
            assertTrue(err.contains("\"type\":\"error\""), err);
            given().contentType("audio/pcm").body(silence(500)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            given().post("/v1/sessions/" + id + "/clear").then().statusCode(200);
            sub.awaitText("\"input_audio_buffer.cleared\"");
            given().post("/v1/sessions/" + id + "/commit").then().statusCode(200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sub.texts().stream()
                    .filter(t -> t.contains("input_audio_buffer_commit_empty")).count() == 2);
        }
        given().get("/v1/sessions/" + id).then().body("state", equalTo("active"));
    }

    @Test
    public void silenceOnlyMakesNoItemAndTheSessionGoesOn() throws Exception {
        String id = create("{}");
        given().contentType("audio/pcm").body(silence(2000)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        given().contentType("audio/wav").body(goforward()).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        assertEquals(EXPECTED, transcript(id));
        given().get("/v1/sessions/" + id).then().body("state", equalTo("active"))
                .body("counters.events_by_type.'input_audio_buffer.committed'", equalTo(1));
    }

    @Test
    public void twoSessionsAtOnceBothTranscribe() throws Exception {
        String a = create("{}");
        String b = create("{}");
        byte[] wav = goforward();
        CompletableFuture<?> fa = CompletableFuture.runAsync(() -> {
            given().contentType("audio/wav").body(wav).post("/v1/sessions/" + a + "/audio").then().statusCode(200);
            given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + a + "/audio").then().statusCode(200);
        });
        given().contentType("audio/wav").body(wav).post("/v1/sessions/" + b + "/audio").then().statusCode(200);
        given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + b + "/audio").then().statusCode(200);
        fa.join();
        assertEquals(EXPECTED, transcript(a));
        assertEquals(EXPECTED, transcript(b));
    }
}
