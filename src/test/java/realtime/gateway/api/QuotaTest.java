package realtime.gateway.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.as;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * Per-key quotas, each on its own test key (see {@link TestKeys}): the request past a limit gets 429 with
 * {@code Retry-After} and a message naming the limit, and a session at its maximum duration ends cleanly
 * with its transcript intact.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class QuotaTest {

    static Response create(String key) {
        return as(key).contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions");
    }

    static void assertQuota(Response r, String limit) {
        r.then().statusCode(429).header("Retry-After", notNullValue()).body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("quota_exceeded")).body("error.param", equalTo(limit))
                .body("error.message", containsString(limit));
        assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1, "Retry-After " + r.header("Retry-After"));
    }

    @Test
    public void theThirdConcurrentSessionOfAKeyWithMaxSessions2Gets429() {
        String first = create(TestKeys.MAX_SESSIONS_2).then().statusCode(200).extract().path("id");
        create(TestKeys.MAX_SESSIONS_2).then().statusCode(200);
        assertQuota(create(TestKeys.MAX_SESSIONS_2), "max-sessions");
        assertEquals(429, WsClient.upgradeStatus("/v1/realtime", TestKeys.bearer(TestKeys.MAX_SESSIONS_2), List.of()));
        // Other keys are not affected, and closing one frees the slot.
        create(TestKeys.TENANT_A).then().statusCode(200);
        as(TestKeys.MAX_SESSIONS_2).delete("/v1/sessions/" + first).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> create(TestKeys.MAX_SESSIONS_2).then().extract().statusCode() == 200);
    }

    @Test
    public void theFourthCreateInAMinuteOfAKeyWithCreatesPerMinute3Gets429() {
        for (int i = 0; i < 3; i++) {
            String id = create(TestKeys.CREATES_3_PER_MINUTE).then().statusCode(200).extract().path("id");
            as(TestKeys.CREATES_3_PER_MINUTE).delete("/v1/sessions/" + id).then().statusCode(200);
        }
        Response r = create(TestKeys.CREATES_3_PER_MINUTE);
        assertQuota(r, "creates-per-minute");
        int retry = Integer.parseInt(r.header("Retry-After"));
        assertTrue(retry <= 20, "one create comes back every 20 s: " + retry);
    }

    @Test
    public void audioPastTheDailySecondsGets429AndIsNotSent() {
        String id = create(TestKeys.AUDIO_3_SECONDS).then().statusCode(200).extract().path("id");
        byte[] twoSeconds = new byte[2 * 48000];
        as(TestKeys.AUDIO_3_SECONDS).contentType("audio/pcm").body(twoSeconds).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(200);
        Response refused = as(TestKeys.AUDIO_3_SECONDS).contentType("audio/pcm").body(twoSeconds)
                .post("/v1/sessions/" + id + "/audio");
        assertQuota(refused, "audio-seconds-per-day");
        refused.then().body("error.message", containsString("2.000 s used"));
        as(TestKeys.AUDIO_3_SECONDS).contentType("audio/pcm").body(new byte[48000]).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(200);
        try (WsClient producer = WsClient.connect("/v1/sessions/" + id + "/audio", TestKeys.bearer(TestKeys.AUDIO_3_SECONDS),
                List.of())) {
            producer.sendBinary(new byte[960]);
            String err = producer.awaitText("quota_exceeded");
            assertTrue(err.contains("\"param\":\"audio-seconds-per-day\""), err);
        }
        as(TestKeys.AUDIO_3_SECONDS).get("/v1/sessions/" + id).then().body("counters.audio_ms_sent", equalTo(3000))
                .body("usage.audio_seconds", equalTo(3.0f)).body("state", equalTo("active"));
        assertQuota(create(TestKeys.AUDIO_3_SECONDS), "audio-seconds-per-day");
    }

    @Test
    public void aSessionAtItsMaximumDurationIsCommittedAndClosedWithItsTranscript() {
        FakeRealtimeServer fake = FakeUpstreamResource.server();
        int before = fake.count();
        String id = create(TestKeys.DURATION_3_SECONDS).then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.count() > before);
        FakeRealtimeServer.Conn upstream = fake.connections().get(before);
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events",
                TestKeys.bearer(TestKeys.DURATION_3_SECONDS), List.of())) {
            // Speech that has not ended: the VAD has not committed it when the limit strikes.
            byte[] speech = TestAudio.toneAndSilence(24000, 1000).toLittleEndian();
            as(TestKeys.DURATION_3_SECONDS).contentType("audio/pcm").body(speech).post("/v1/sessions/" + id + "/audio")
                    .then().statusCode(200);
            String closed = sub.awaitText("gateway.session.closed");
            assertTrue(closed.contains("max-session-duration"), closed);
            assertTrue(closed.contains("\"state\":\"closed\""), closed);
            assertEquals(1000, sub.awaitClose());
            List<String> texts = sub.texts();
            int closing = indexOf(texts, "\"state\":\"closing\"");
            int completed = indexOf(texts, "input_audio_transcription.completed");
            assertTrue(closing >= 0 && completed > closing, "told why, then the last transcription: " + texts);
        }
        assertTrue(upstream.receivedJson().stream().anyMatch(j -> j.path("type").asText().equals("input_audio_buffer.commit")),
                "the gateway committed the open turn");
        assertEquals(1000, (int) upstream.closeCode);
        as(TestKeys.DURATION_3_SECONDS).get("/v1/sessions/" + id + "/transcript").then().statusCode(200)
                .body("text", equalTo("hello world")).body("state", equalTo("closed"));
        as(TestKeys.DURATION_3_SECONDS).contentType("audio/pcm").body(new byte[4800]).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(409);
    }

    static int indexOf(List<String> texts, String fragment) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }

    static Map<String, String> none() {
        return Map.of();
    }
}
