package realtime.gateway.upstream.local;

import static realtime.gateway.testing.Api.management;
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
import realtime.gateway.testing.Wer;
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
                .until(() -> management().get("/q/health/ready").then().extract().statusCode() == 200);
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

    static byte[] clip(String name) throws Exception {
        try (InputStream in = LocalEngineTest.class.getResourceAsStream("/audio/" + name + ".wav")) {
            return in.readAllBytes();
        }
    }

    @Test
    public void theFiveLibrivoxUtterancesAreWithinTheWordErrorBound() throws Exception {
        int errors = 0;
        int words = 0;
        List<String> got = new ArrayList<>();
        for (Map.Entry<String, String> ref : Wer.references().entrySet()) {
            String id = create("{\"turn_detection\":null}");
            given().contentType("audio/wav").body(clip(ref.getKey())).post("/v1/sessions/" + id + "/audio?commit=true")
                    .then().statusCode(200);
            String text = transcript(id);
            got.add(text);
            errors += Wer.errors(ref.getValue(), text);
            words += Wer.words(ref.getValue());
        }
        double wer = 100.0 * errors / words;
        System.out.printf("local engine WER on the LibriVox utterances: %.1f%% (%d errors / %d words)%n", wer, errors, words);
        assertTrue(wer <= 10, "WER " + wer + "% over 10%: " + got);
    }

    /** {@code ms} of white noise (uniform, about −15 dBFS RMS) or, when {@code tone}, a 440 Hz tone, at 24 kHz. */
    static byte[] noise(int ms, boolean tone) {
        java.util.Random r = new java.util.Random(7);
        short[] s = new short[ms * 24];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (tone ? 8000 * Math.sin(2 * Math.PI * 440 * i / 24000.0) : r.nextInt(12000) - 6000);
        }
        return new Pcm(24000, 1, s).toLittleEndian();
    }

    @Test
    public void silenceNoiseAndAToneMakeNoItemAndSpeechAfterThemOne() throws Exception {
        String id = create("{}");
        given().contentType("audio/pcm").body(silence(2000)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        given().contentType("audio/pcm").body(noise(5000, false)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        given().contentType("audio/pcm").body(noise(3000, true)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        given().get("/v1/sessions/" + id).then().body("counters.events_by_type.'input_audio_buffer.speech_started'",
                equalTo(null)).body("counters.events_by_type.'input_audio_buffer.committed'", equalTo(null));
        given().contentType("audio/wav").body(goforward()).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        assertEquals(EXPECTED, transcript(id));
        given().get("/v1/sessions/" + id).then().body("counters.events_by_type.'input_audio_buffer.committed'", equalTo(1));
    }

    @Test
    public void twoSessionsAtOnceBothTranscribe() throws Exception {
        concurrently(2);
    }

    @Test
    public void eightSessionsAtOnceAllTranscribe() throws Exception {
        concurrently(8);
    }

    @Test
    public void theMetricsShowThePoolsRecognizers() {
        String text = management().get("/q/metrics").then().statusCode(200).extract().asString();
        double recognizers = gauge(text, "gateway_local_recognizers");
        assertTrue(recognizers >= 2, "at least the pool-size of 2: " + recognizers);
        assertTrue(gauge(text, "gateway_local_recognizers_busy") <= recognizers);
    }

    private static double gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError(name + " missing from /q/metrics"));
    }

    private void concurrently(int n) throws Exception {
        byte[] wav = goforward();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(create("{}"));
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (String id : ids) {
            all.add(CompletableFuture.runAsync(() -> {
                given().contentType("audio/wav").body(wav).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
                given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + id + "/audio").then()
                        .statusCode(200);
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        for (String id : ids) {
            assertEquals(EXPECTED, transcript(id));
        }
    }

    @Test
    public void partialCaptionsArriveWhileSpeakingAndTheirStableTextStartsTheFinalTranscript() throws Exception {
        String id = create("{}");
        byte[] pcm = Wav.parse(clip("sense_and_sensibility_01_austen_64kb-0870")).monoAt(Pcm.UPSTREAM_RATE).toLittleEndian();
        byte[] all = java.util.Arrays.copyOf(pcm, pcm.length + silence(1000).length);
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events");
                WsClient producer = WsClient.connect("/v1/sessions/" + id + "/audio")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id)
                    .then().extract().path("counters.subscribers_now")).intValue() == 1);
            // In real time, as a microphone would: 20 ms frames every 20 ms (pacing a live source).
            java.util.concurrent.ScheduledExecutorService clock = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            int[] off = { 0 };
            clock.scheduleAtFixedRate(() -> {
                if (off[0] >= all.length) {
                    sent.complete(null);
                    return;
                }
                int end = Math.min(all.length, off[0] + 960);
                producer.sendBinary(java.util.Arrays.copyOfRange(all, off[0], end));
                off[0] = end;
            }, 0, 20, java.util.concurrent.TimeUnit.MILLISECONDS);
            sent.get(30, java.util.concurrent.TimeUnit.SECONDS);
            clock.shutdownNow();
            String done = sub.awaitText("transcription.completed");
            String finalText = JSON.readTree(done).path("transcript").asText();
            List<JsonNode> events = new ArrayList<>();
            for (String t : sub.texts()) {
                events.add(JSON.readTree(t));
            }
            List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
            int stopped = types.indexOf("input_audio_buffer.speech_stopped");
            List<JsonNode> partials = events.subList(0, stopped).stream()
                    .filter(e -> e.path("type").asText().equals("gateway.transcription.partial")).toList();
            assertTrue(partials.size() >= 3, "captions while speaking: " + partials);
            JsonNode last = partials.get(partials.size() - 1);
            String stable = last.path("stable_text").asText();
            assertTrue(!stable.isEmpty() && finalText.startsWith(stable), "stable '" + stable + "' vs final '" + finalText + "'");
            String started = events.get(types.indexOf("input_audio_buffer.speech_started")).path("item_id").asText();
            assertEquals(started, last.path("item_id").asText(), "the caption names the turn's item");
            assertTrue(last.path("audio_end_ms").asLong() > last.path("audio_start_ms").asLong(), last.toString());
            assertTrue(Wer.errors(Wer.references().get("sense_and_sensibility_01_austen_64kb-0870"), finalText) <= 3,
                    finalText);
            assertTrue(types.indexOf("gateway.transcription.partial") > types.indexOf("input_audio_buffer.speech_started"));
            assertTrue(types.lastIndexOf("gateway.transcription.partial") < types.indexOf("input_audio_buffer.committed"),
                    "no caption after the turn is committed: " + types);
        }
    }

    @Test
    public void producersOnTheRealtimeSocketNeverSeeCaptions() throws Exception {
        String secret = given().contentType("application/json").body("{\"session\":{\"type\":\"transcription\"}}")
                .post("/v1/realtime/client_secrets").then().statusCode(200).extract().path("value");
        byte[] pcm = Wav.parse(clip("sense_and_sensibility_01_austen_64kb-0880")).monoAt(Pcm.UPSTREAM_RATE).toLittleEndian();
        try (WsClient ws = WsClient.connect("/v1/realtime", Map.of("Authorization", "Bearer " + secret), List.of())) {
            for (int off = 0; off < pcm.length; off += 24000) {
                byte[] part = java.util.Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + 24000));
                ws.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\""
                        + java.util.Base64.getEncoder().encodeToString(part) + "\"}");
            }
            ws.send("{\"type\":\"input_audio_buffer.commit\"}");
            ws.awaitText("transcription.completed");
            assertTrue(ws.texts().stream().noneMatch(t -> t.contains("gateway.")), "OpenAI's events only");
        }
    }

    @Test
    public void aLanguageOtherThanEnglishIsRefusedSayingSo() {
        given().contentType("application/json").body("{\"input_audio_transcription\":{\"model\":\"gpt-4o-transcribe\","
                + "\"language\":\"de\"}}").post("/v1/realtime/transcription_sessions").then().statusCode(400)
                .body("error.param", equalTo("input_audio_transcription.language"))
                .body("error.message", org.hamcrest.Matchers.containsString("English only"));
        String id = create("{\"input_audio_transcription\":{\"model\":\"gpt-4o-transcribe\",\"language\":\"en\"}}");
        given().get("/v1/sessions/" + id).then().body("state", equalTo("active"));
    }

    @Test
    public void logprobsComeWithEveryWordWhenAskedFor() throws Exception {
        String id = create("{\"include\":[\"item.input_audio_transcription.logprobs\"]}");
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + id)
                    .then().extract().path("counters.subscribers_now")).intValue() == 1);
            given().contentType("audio/wav").body(goforward()).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            given().contentType("audio/pcm").body(silence(1000)).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            JsonNode done = JSON.readTree(sub.awaitText("transcription.completed"));
            List<JsonNode> deltas = json(sub.texts()).stream().filter(e -> e.path("type").asText().endsWith(".delta")).toList();
            assertEquals(4, deltas.size(), "one delta per word");
            assertEquals(4, done.path("logprobs").size());
            for (int i = 0; i < 4; i++) {
                JsonNode lp = deltas.get(i).path("logprobs").get(0);
                assertEquals(deltas.get(i).path("delta").asText(), lp.path("token").asText());
                assertTrue(lp.path("logprob").asDouble() <= 0, lp.toString());
                assertEquals(lp, done.path("logprobs").get(i));
            }
        }
    }
}
