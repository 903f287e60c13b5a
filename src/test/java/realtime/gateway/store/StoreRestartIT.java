package realtime.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import realtime.gateway.audio.Pcm;
import realtime.gateway.testing.GatewayJar;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;

/**
 * A crash, against the packaged jar: transcribe, {@code kill -9}, start again on the same data, and read the
 * session and its transcript (JSON and SRT) as they were; the session, open when the process died, is shown
 * {@code failed} with reason {@code process restarted}. Once on the embedded default, once on PostgreSQL.
 */
public class StoreRestartIT {

    FakeRealtimeServer fake;
    GatewayJar gateway;

    @BeforeEach
    void fake() {
        fake = new FakeRealtimeServer().start();
        fake.transcripts(List.of("what the first turn said, long enough for two lines of subtitles when it is shown",
                "and the second turn"));
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        fake.stop();
    }

    /** Starts the jar on the fake upstream with {@code env}; returns how long it took to become ready, in ms. */
    long start(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("GATEWAY_UPSTREAM_URL", fake.url());
        all.put("OPENAI_API_KEY", FakeRealtimeServer.KEY);
        gateway = GatewayJar.start(all);
        return gateway.readyMs;
    }

    void kill9() throws Exception {
        gateway.kill9();
    }

    static io.restassured.specification.RequestSpecification api() {
        return RestAssured.given().header("Authorization", "Bearer " + TestKeys.TENANT_A);
    }

    void crashAndRecover(Map<String, String> env) throws Exception {
        start(env);
        String id = api().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        byte[] pcm = TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 900, 800, 600, 800).toLittleEndian();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(
                api().get("/v1/sessions/" + id).then().extract().path("state")));
        api().contentType("application/octet-stream").body(pcm).post("/v1/sessions/" + id + "/audio").then()
                .statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api().get("/v1/sessions/" + id + "/transcript")
                .then().extract().jsonPath().getList("items").size() == 2);
        JsonPath before = api().get("/v1/sessions/" + id + "/transcript").then().extract().jsonPath();
        String srtBefore = api().get("/v1/sessions/" + id + "/transcript?format=srt").then().statusCode(200).extract()
                .asString();
        JsonPath sessionBefore = api().get("/v1/sessions/" + id).then().extract().jsonPath();
        // The README's bound: what completed more than a second before the kill is kept.
        Awaitility.await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        kill9();

        long readyMs = start(env);
        JsonPath session = api().get("/v1/sessions/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("failed", session.getString("state"));
        assertEquals(Store.RESTARTED, session.getString("reason"));
        assertEquals(sessionBefore.getLong("created_at"), session.getLong("created_at"));
        assertEquals(sessionBefore.getString("owner"), session.getString("owner"));
        assertEquals(sessionBefore.getMap("config"), session.getMap("config"));
        assertEquals(sessionBefore.getMap("usage"), session.getMap("usage"));
        assertTrue(session.getLong("closed_at") >= sessionBefore.getLong("created_at"));

        JsonPath after = api().get("/v1/sessions/" + id + "/transcript").then().statusCode(200).extract().jsonPath();
        assertEquals(before.getList("items"), after.getList("items"));
        assertEquals(before.getString("text"), after.getString("text"));
        assertEquals("failed", after.getString("state"));
        assertEquals(srtBefore, api().get("/v1/sessions/" + id + "/transcript?format=srt").then().statusCode(200)
                .extract().asString());
        api().get("/v1/sessions").then().statusCode(200).body("data.id", org.hamcrest.Matchers.hasItem(id));
        // The usage the key had is kept too: one session created, 3.1 s of audio.
        JsonPath usage = RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN)
                .get("/v1/usage?key=tenant-a").then().statusCode(200).extract().jsonPath();
        assertTrue(usage.getDouble("data[0].audio_seconds") >= 3.0, usage.prettify());
        System.out.printf("restart after kill -9: ready in %d ms (%s)%n", readyMs, env.keySet());
    }

    @Test
    void theEmbeddedStoreSurvivesKill9() throws Exception {
        crashAndRecover(Map.of("GATEWAY_STORE_PATH", "./target/it-restart/" + UUID.randomUUID()));
    }

    @Test
    void postgresSurvivesKill9() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgresResource.startPostgres()) {
            Map<String, String> env = new HashMap<>();
            EmbeddedPostgresResource.config(pg).forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_')
                    .replace('-', '_'), v));
            crashAndRecover(env);
        }
    }
}
