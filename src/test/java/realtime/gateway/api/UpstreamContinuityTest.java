package realtime.gateway.api;

import static realtime.gateway.testing.Api.management;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * With short limits (an 8 s upstream age limit, a 2 s give-up): sessions move to a new upstream connection
 * before the limit, also in the middle of continuous speech, with no audio lost or sent twice; an upstream
 * that refuses from the start fails the create with a 502; one that fails in passing is retried with the
 * audio held; one that stays down fails the session after the give-up, and readiness says so.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(UpstreamContinuityTest.ShortLimits.class)
public class UpstreamContinuityTest {

    public static class ShortLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upstream.max-session-age", "8s", "gateway.upstream.rotate-before", "6s",
                    "gateway.upstream.reconnect.initial-delay", "100ms", "gateway.upstream.reconnect.max-delay", "400ms",
                    "gateway.upstream.reconnect.give-up", "2s");
        }
    }

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    @AfterEach
    void reset() {
        fake().reset();
    }

    static String create() {
        return given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions").then()
                .statusCode(200).extract().path("id");
    }

    static String state(String id) {
        return given().get("/v1/sessions/" + id).then().extract().path("state");
    }

    static void awaitState(String id, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> state.equals(state(id)));
    }

    static String transcript(String id) {
        return given().accept("text/plain").get("/v1/sessions/" + id + "/transcript").asString();
    }

    /**
     * Streams {@code ms} of audio in real time, 100 ms per request on a fixed-rate clock (a live source's pace),
     * tone while {@code tone} says so; returns the bytes sent.
     */
    static long stream(String id, int ms, java.util.function.IntPredicate tone) throws Exception {
        java.util.concurrent.ScheduledExecutorService clock = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        long[] sent = { 0 };
        int[] t = { 0 };
        clock.scheduleAtFixedRate(() -> {
            try {
                if (t[0] >= ms) {
                    done.complete(sent[0]);
                    return;
                }
                byte[] pcm = (tone.test(t[0]) ? TestAudio.toneAndSilence(24000, 100)
                        : TestAudio.toneAndSilence(24000, 0, 100)).toLittleEndian();
                given().contentType("audio/pcm").body(pcm).post("/v1/sessions/" + id + "/audio").then().statusCode(200);
                sent[0] += pcm.length;
                t[0] += 100;
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            return done.get(ms / 1000 + 30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            clock.shutdownNow();
        }
    }

    static long appendedAfter(int before) {
        long n = 0;
        List<FakeRealtimeServer.Conn> all = FakeUpstreamResource.server().connections();
        for (int i = before; i < all.size(); i++) {
            n += ReconnectTest.appendedBytes(all.get(i));
        }
        return n;
    }

    @Test
    public void aRotationInTheMiddleOfContinuousSpeechLosesNoAudioAndSendsNoneTwice() throws Exception {
        fake().maxAge(8000); // the fake ends connections at 8 s, as OpenAI does at 60 min
        fake().transcripts(List.of("one", "two", "three", "four", "five"));
        int before = fake().count();
        String id = create();
        awaitState(id, "active");
        try (WsClient subscriber = WsClient.connect("/v1/sessions/" + id + "/events")) {
            // 6.5 s of unbroken speech: the standby opens at 2 s, finds no turn boundary, and the move is forced
            // at 5 s (half of rotate-before left) with a commit; then a pause ends the second half.
            long sent = stream(id, 6500, t -> true);
            sent += stream(id, 800, t -> false);
            String rotated = subscriber.awaitText("gateway.upstream.rotated");
            assertTrue(rotated.contains("the turn in progress was committed"), rotated);
            // Each forced move splits the speech once; a slow machine may see a second one before the pause.
            java.util.function.Supplier<String> expected = () -> String.join(" ", List.of("one", "two", "three", "four",
                    "five").subList(0, 1 + (int) subscriber.texts().stream().filter(t -> t.contains("gateway.upstream.rotated")
                            && t.contains("the turn in progress was committed")).count()));
            try {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> transcript(id).equals(expected.get()));
            } catch (RuntimeException e) {
                throw new AssertionError("transcript '" + transcript(id) + "', expected '" + expected.get() + "'; events: "
                        + subscriber.texts().stream().filter(t -> t.contains("gateway.") || t.contains("committed"))
                                .toList(), e);
            }
            assertEquals(sent, appendedAfter(before), "every byte reached exactly one upstream connection");
            // Each new connection's own age limit comes 2 s after it opened: a later rotation may follow in the pause.
            // (It may be under way as the session is read: the subscriber's count catches up.)
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> (int) subscriber.texts().stream()
                    .filter(t -> t.contains("gateway.upstream.rotated")).count() == (int) given().get("/v1/sessions/" + id)
                            .then().extract().path("upstream.rotations"));
            given().get("/v1/sessions/" + id).then().body("state", equalTo("active"))
                    .body("upstream.reconnects", equalTo(0)).body("upstream.downtime_ms", equalTo(0));
            FakeRealtimeServer.Conn first = fake().connections().get(before);
            FakeRealtimeServer.Conn second = fake().connections().get(before + 1);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> first.closeCode != null);
            assertEquals(1000, first.closeCode, "the old connection closed by the gateway, before its age limit");
            assertTrue(second.receivedJson().get(0).path("type").asText().equals("session.update"),
                    "the new connection was configured before it took audio");
            assertTrue(subscriber.texts().stream().noneMatch(t -> t.contains("gateway.upstream.reconnect")),
                    "a rotation is no reconnect");
        }
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }

    @Test
    public void aRotationBetweenTurnsMovesAtTheBoundaryAndTheTranscriptContinues() throws Exception {
        fake().maxAge(8000);
        fake().transcripts(List.of("one", "two", "three", "four", "five"));
        int before = fake().count();
        String id = create();
        awaitState(id, "active");
        // Turns of 600 ms speech and 700 ms pause for 5.2 s: the standby opens at 2 s and takes over in a pause.
        long sent = stream(id, 5200, t -> t % 1300 < 600);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> transcript(id).equals("one two three four"));
        assertEquals(sent, appendedAfter(before));
        int rotations = given().get("/v1/sessions/" + id).then().body("upstream.reconnects", equalTo(0)).extract()
                .path("upstream.rotations");
        assertTrue(rotations >= 1, "moved at least once in 5.2 s with an 8 s age limit and 6 s rotate-before");
        List<String> items = given().get("/v1/sessions/" + id + "/transcript").then().extract().path("items.text");
        assertEquals(List.of("one", "two", "three", "four"), items);
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }

    @Test
    public void anUpstreamThatRefusesTheFirstConnectFailsTheCreateWith502() {
        fake().refuse(1, "401");
        given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions").then()
                .statusCode(502).body("error.code", equalTo("upstream_unavailable"))
                .body("error.type", equalTo("server_error")).body("error.message", containsString("401"));
        fake().refuse(1, "invalid_api_key");
        given().contentType("application/json").body("{\"session\":{\"type\":\"transcription\"}}")
                .post("/v1/realtime/client_secrets").then().statusCode(502)
                .body("error.message", containsString("invalid_api_key"));
        assertEquals(List.of(), given().get("/v1/sessions").then().extract().path("data.findAll { it.state == 'failed' }.id"),
                "nothing was created");
        String ok = create();
        awaitState(ok, "active");
        given().delete("/v1/sessions/" + ok).then().statusCode(200);
    }

    @Test
    public void anUpstreamDownInPassingIsRetriedWithTheUploadHeldThenTranscribed() {
        fake().refuse(1000, "503");
        String id = create();
        assertEquals("connecting", state(id));
        byte[] pcm = TestAudio.toneAndSilence(24000, 600, 700).toLittleEndian();
        given().contentType("audio/pcm").body(pcm).post("/v1/sessions/" + id + "/audio").then().statusCode(200)
                .body("bytes_sent", equalTo(0)).body("bytes_buffered", equalTo(pcm.length));
        fake().refuse(0, "503");
        awaitState(id, "active");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> transcript(id).equals("hello world"));
        assertEquals(pcm.length, ReconnectTest.appendedBytes(fake().last()));
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }

    @Test
    public void anUpstreamThatStaysDownFailsTheSessionAfterTheGiveUpAndReadinessGoesDown() {
        String id = create();
        awaitState(id, "active");
        try (WsClient subscriber = WsClient.connect("/v1/sessions/" + id + "/events")) {
            fake().refuse(1000, "503");
            fake().last().close(1011, "internal error");
            awaitState(id, "failed");
            String reason = given().get("/v1/sessions/" + id).then().extract().path("reason");
            assertTrue(reason.startsWith("upstream unreachable for 2 s after "), reason);
            assertTrue(reason.contains("gateway.upstream.reconnect.give-up"), reason);
            List<String> attempts = new ArrayList<>(subscriber.texts().stream()
                    .filter(t -> t.contains("\"gateway.upstream.reconnecting\"")).toList());
            assertTrue(attempts.size() >= 3, "subscribers told of each attempt: " + attempts);
            subscriber.awaitText("gateway.session.closed");
            management().get("/q/health/ready").then().statusCode(503)
                    .body("checks[0].data.upstream_usable", equalTo(false))
                    .body("checks[0].data.reason", containsString("gateway.upstream.health.failures"));
        }
        fake().refuse(0, "503");
        String next = create();
        awaitState(next, "active");
        management().get("/q/health/ready").then().statusCode(200)
                .body("checks[0].data.upstream_usable", equalTo(true))
                .body("checks[0].data.upstream_consecutive_failures", equalTo(0));
        given().delete("/v1/sessions/" + next).then().statusCode(200);
    }
}
