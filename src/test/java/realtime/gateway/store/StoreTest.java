package realtime.gateway.store;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.as;
import static realtime.gateway.testing.Api.given;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import realtime.gateway.audio.Pcm;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * The embedded store behind the API: a session that has left memory (in-memory retention is 1 s here) is still
 * listed and readable with its transcript in every format, owners stay separated, a transcript can be erased
 * (leaving an audit line without its text), and sessions a dead process left open are shown failed.
 * {@link PostgresStoreTest} runs the same against a real PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(StoreTest.ShortMemory.class)
public class StoreTest {

    /** Closed sessions leave memory after 1 s; heartbeats every 200 ms, so a silent node is stale in 600 ms. */
    public static class ShortMemory implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.sessions.retention", "1s", "gateway.store.heartbeat", "200ms");
        }
    }

    static final List<String> TURNS = List.of(
            "this first turn is long enough to need more than one line of subtitles, and then more words to carry it",
            "a second & <shorter> turn");

    @Inject
    SessionRegistry registry;

    @Inject
    Store store;

    @Inject
    @DataSource("embedded")
    AgroalDataSource embedded;

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    AgroalDataSource db() {
        return embedded;
    }

    @AfterEach
    void reset() {
        fake().reset();
    }

    /** A session of tenant A with two transcribed turns, closed and gone from memory. */
    String transcribedAndForgotten() {
        fake().transcripts(TURNS);
        String id = as(TestKeys.TENANT_A).contentType("application/json").body("{}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(
                as(TestKeys.TENANT_A).get("/v1/sessions/" + id).then().extract().path("state")));
        byte[] pcm = TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 900, 800, 600, 800).toLittleEndian();
        as(TestKeys.TENANT_A).contentType("application/octet-stream").body(pcm).post("/v1/sessions/" + id + "/audio")
                .then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> as(TestKeys.TENANT_A)
                .get("/v1/sessions/" + id + "/transcript").then().extract().jsonPath().getList("items").size() == 2);
        return id;
    }

    Map<String, String> exports(String id) {
        return Map.of("json", transcript(id, "json"), "text", transcript(id, "text"), "srt", transcript(id, "srt"),
                "vtt", transcript(id, "vtt"), "verbose_json", transcript(id, "verbose_json"));
    }

    static String transcript(String id, String format) {
        return as(TestKeys.TENANT_A).get("/v1/sessions/" + id + "/transcript?format=" + format).then().statusCode(200)
                .extract().asString();
    }

    @Test
    void aSessionThatLeftMemoryIsReadFromTheStoreUnchanged() {
        String id = transcribedAndForgotten();
        Map<String, String> live = exports(id);
        as(TestKeys.TENANT_A).delete("/v1/sessions/" + id).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "closed".equals(
                as(TestKeys.TENANT_A).get("/v1/sessions/" + id).then().extract().path("state")));
        String closedView = as(TestKeys.TENANT_A).get("/v1/sessions/" + id).then().extract().asString();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(id).isEmpty());

        // From the store now: the same session and the same transcript, in every format.
        String stored = as(TestKeys.TENANT_A).get("/v1/sessions/" + id).then().statusCode(200).extract().asString();
        assertEquals(JsonPath.from(closedView).getMap(""), JsonPath.from(stored).getMap(""));
        assertEquals(live.get("text"), transcript(id, "text"));
        assertEquals(live.get("srt"), transcript(id, "srt"));
        assertEquals(live.get("vtt"), transcript(id, "vtt"));
        assertEquals(JsonPath.from(live.get("verbose_json")).getMap(""), JsonPath.from(transcript(id, "verbose_json")).getMap(""));
        JsonPath json = JsonPath.from(transcript(id, "json"));
        assertEquals("closed", json.getString("state"));
        assertEquals(TURNS, json.getList("items.text"));
        assertEquals(JsonPath.from(live.get("json")).getList("items"), json.getList("items"));
        assertEquals(String.join(" ", TURNS), transcript(id, "text"));

        // Listed for its owner and an admin, not for another tenant, who gets 404 for it as for any unknown id.
        as(TestKeys.TENANT_A).get("/v1/sessions?limit=1000").then().statusCode(200).body("data.id", hasItem(id));
        given().get("/v1/sessions?limit=1000").then().statusCode(200).body("data.id", hasItem(id));
        as(TestKeys.TENANT_B).get("/v1/sessions?limit=1000").then().statusCode(200).body("data.id", not(hasItem(id)));
        as(TestKeys.TENANT_B).get("/v1/sessions/" + id).then().statusCode(404);
        as(TestKeys.TENANT_B).get("/v1/sessions/" + id + "/transcript").then().statusCode(404);
        // Closing it again is harmless: it answers with the session as it is.
        as(TestKeys.TENANT_A).delete("/v1/sessions/" + id).then().statusCode(200).body("state", equalTo("closed"));
    }

    @Test
    void aTranscriptCanBeErasedLeavingAnAuditLineWithoutItsText() throws Exception {
        String id = transcribedAndForgotten();
        as(TestKeys.TENANT_B).delete("/v1/sessions/" + id + "/transcript").then().statusCode(404);
        as(TestKeys.TENANT_A).delete("/v1/sessions/" + id + "/transcript").then().statusCode(200)
                .body("id", equalTo(id)).body("deleted", equalTo(true)).body("items_erased", equalTo(2));
        as(TestKeys.TENANT_A).get("/v1/sessions/" + id + "/transcript").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("text", equalTo(""));
        // Gone from the store too: once the session leaves memory, there is nothing to read back.
        as(TestKeys.TENANT_A).delete("/v1/sessions/" + id).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(id).isEmpty());
        as(TestKeys.TENANT_A).get("/v1/sessions/" + id + "/transcript").then().statusCode(200)
                .body("items.size()", equalTo(0));
        try (Connection c = db().getConnection();
                PreparedStatement q = c.prepareStatement("SELECT actor, action, detail FROM gateway_audit WHERE session_id = ?")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                assertTrue(r.next(), "an audit line for the erasure");
                assertEquals("key tenant-a", r.getString(1));
                assertEquals("transcript.erased", r.getString(2));
                String detail = r.getString(3);
                for (String turn : TURNS) {
                    assertFalse(detail.contains(turn.split(" ")[1]), detail);
                }
            }
        }
    }

    @Test
    void sessionsLeftOpenByAProcessThatStoppedAreShownFailed() throws Exception {
        String id = "sess_orphan" + System.nanoTime();
        long now = System.currentTimeMillis();
        String snapshot = "{\"id\":\"" + id + "\",\"object\":\"gateway.session\",\"state\":\"active\",\"reason\":\"upstream "
                + "connected\",\"provider\":\"openai\",\"created_at\":" + (now - 5000) + ",\"owner\":\"tenant-a\"}";
        try (Connection c = db().getConnection()) {
            try (PreparedStatement i = c.prepareStatement("INSERT INTO gateway_nodes (id, started_at, heartbeat_at) "
                    + "VALUES (?, ?, ?)")) {
                i.setString(1, "node-that-died");
                i.setLong(2, now - 60_000);
                i.setLong(3, now - 30_000);
                i.executeUpdate();
            }
            try (PreparedStatement i = c.prepareStatement("INSERT INTO gateway_sessions (id, owner, state, node, "
                    + "created_at, closed_at, updated_at, snapshot) VALUES (?, 'tenant-a', 'active', 'node-that-died', ?, "
                    + "NULL, ?, ?)")) {
                i.setString(1, id);
                i.setLong(2, now - 5000);
                i.setLong(3, now - 5000);
                i.setString(4, snapshot);
                i.executeUpdate();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(
                as(TestKeys.TENANT_A).get("/v1/sessions/" + id).then().statusCode(200).extract().path("state")));
        as(TestKeys.TENANT_A).get("/v1/sessions/" + id).then().body("reason", equalTo(Store.RESTARTED));
    }

    @Test
    void listsPageNewestFirstWithACursor() {
        for (int i = 0; i < 3; i++) {
            as(TestKeys.TENANT_B).contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                    .then().statusCode(200);
        }
        JsonPath first = as(TestKeys.TENANT_B).get("/v1/sessions?limit=2").then().statusCode(200).extract().jsonPath();
        assertEquals(2, first.getList("data").size());
        assertTrue(first.getBoolean("has_more"));
        List<Long> created = first.getList("data.created_at", Long.class);
        assertTrue(created.get(0) >= created.get(1));
        JsonPath next = as(TestKeys.TENANT_B).get("/v1/sessions?limit=2&after=" + first.getString("last_id")).then()
                .statusCode(200).extract().jsonPath();
        assertFalse(next.getList("data.id").contains(first.getString("first_id")));
        assertFalse(next.getList("data.id").contains(first.getString("last_id")));
        as(TestKeys.TENANT_B).get("/v1/sessions?limit=0").then().statusCode(400).body("error.param", equalTo("limit"));
        as(TestKeys.TENANT_B).get("/v1/sessions?limit=ten").then().statusCode(400).body("error.param", equalTo("limit"));
        as(TestKeys.TENANT_B).get("/v1/sessions?after=sess_nope").then().statusCode(400).body("error.param", equalTo("after"));
        as(TestKeys.TENANT_B).get("/v1/sessions/x/transcript?format=docx").then().statusCode(404);
    }
}
