package realtime.gateway.webhook;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.as;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import realtime.gateway.audio.Pcm;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * Webhooks against a receiver that verifies every signature: each completed turn and the session's close
 * arrive signed, a receiver that refuses the first three attempts gets each event on the fourth, one that
 * never answers well sees its deliveries given up (shown failed) and sent again on request.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(WebhookTest.Hooks.class)
public class WebhookTest {

    static WebhookReceiver receiver;
    static final String HOOKED = "test-hooked-key-not-real-00000000000000";

    /** The receiver, and quick retries: 100 ms doubling to 400 ms, given up after 3 s. */
    public static class Hooks implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ReceiverResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.webhooks.secret", WebhookReceiver.SECRET, "gateway.webhooks.initial-backoff", "100ms",
                    "gateway.webhooks.max-backoff", "400ms", "gateway.webhooks.max-age", "3s",
                    "gateway.webhooks.poll", "50ms");
        }
    }

    public static class ReceiverResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                receiver = new WebhookReceiver();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // The test keys, and one whose sessions' webhooks go to an address of its own.
            return Map.of("gateway.webhooks.url", receiver.url(), "gateway.auth.keys", TestKeys.spec()
                    + ";name=hooked,key=" + HOOKED + ",webhook-url=" + receiver.url() + "/own");
        }

        @Override
        public void stop() {
            receiver.close();
        }

        /** After the fake upstream's resource, so these keys (a superset of its own) are the ones used. */
        @Override
        public int order() {
            return 100;
        }
    }

    @AfterEach
    void reset() {
        receiver.reset();
        FakeUpstreamResource.server().reset();
    }

    /** A session of tenant A with two turns, closed; returns its id. */
    static String twoTurnsThenClose() {
        return twoTurnsThenClose(TestKeys.TENANT_A);
    }

    static String twoTurnsThenClose(String key) {
        FakeRealtimeServer fake = FakeUpstreamResource.server();
        fake.transcripts(List.of("first words", "second words"));
        String id = as(key).contentType("application/json").body("{}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(
                as(key).get("/v1/sessions/" + id).then().extract().path("state")));
        as(key).contentType("application/octet-stream")
                .body(TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 700, 700, 700, 700).toLittleEndian())
                .post("/v1/sessions/" + id + "/audio").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> as(key)
                .get("/v1/sessions/" + id + "/transcript").then().extract().jsonPath().getList("items").size() == 2);
        as(key).delete("/v1/sessions/" + id).then().statusCode(200);
        return id;
    }

    List<JsonPath> events(String sessionId) {
        return receiver.received.stream().map(r -> JsonPath.from(r.body()))
                .filter(j -> sessionId.equals(j.getString("data.session_id")) || sessionId.equals(j.getString("data.id")))
                .toList();
    }

    @Test
    void everyTurnAndTheCloseArriveSignedEvenAfterThreeRefusals() {
        receiver.failFirst(3);
        String id = twoTurnsThenClose();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> events(id).size() == 3);
        assertEquals(List.of(), receiver.rejected, "every request carried a valid signature");
        List<JsonPath> events = events(id);
        assertEquals(List.of("first words", "second words"), events.stream()
                .filter(e -> e.getString("type").equals("transcript.item.completed")).map(e -> e.getString("data.text"))
                .sorted().toList());
        JsonPath closed = events.stream().filter(e -> e.getString("type").equals("session.closed")).findFirst()
                .orElseThrow();
        assertEquals("closed", closed.getString("data.state"));
        assertEquals("tenant-a", closed.getString("data.owner"));
        assertTrue(receiver.received.stream().allMatch(r -> r.attempt() == 4), "delivered on the fourth attempt");
        // The outbox shows them delivered, with their attempts; tenant B sees none of them.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> as(TestKeys.TENANT_A)
                .get("/v1/webhooks/deliveries?status=delivered").then().extract().jsonPath()
                .getList("data.findAll { it.session_id == '" + id + "' }").size() == 3);
        JsonPath list = as(TestKeys.TENANT_A).get("/v1/webhooks/deliveries").then().statusCode(200).extract().jsonPath();
        assertEquals(4, list.getInt("data.find { it.session_id == '" + id + "' }.attempts"));
        assertTrue(as(TestKeys.TENANT_B).get("/v1/webhooks/deliveries").then().statusCode(200).extract().jsonPath()
                .getList("data.findAll { it.session_id == '" + id + "' }").isEmpty());
        String one = list.getString("data.find { it.session_id == '" + id + "' }.id");
        as(TestKeys.TENANT_A).post("/v1/webhooks/deliveries/" + one + "/retry").then().statusCode(409);
        as(TestKeys.TENANT_B).post("/v1/webhooks/deliveries/" + one + "/retry").then().statusCode(404);
        given().get("/v1/webhooks/deliveries?status=lost").then().statusCode(400).body("error.param", equalTo("status"));
    }

    @Test
    void aKeyWithAWebhookOfItsOwnGetsItsEventsThere() {
        String id = twoTurnsThenClose(HOOKED);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> events(id).size() == 3);
        assertTrue(receiver.received.stream().filter(r -> r.body().contains(id))
                .allMatch(r -> r.path().equals("/hooks/gateway/own")), "the key's own address");
        String other = twoTurnsThenClose(TestKeys.TENANT_A);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> events(other).size() == 3);
        assertTrue(receiver.received.stream().filter(r -> r.body().contains(other))
                .allMatch(r -> r.path().equals("/hooks/gateway")), "the global address");
    }

    @Test
    void aReceiverThatNeverAcceptsIsGivenUpThenRetriedOnRequest() {
        receiver.failAlways(true);
        String id = twoTurnsThenClose();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> as(TestKeys.TENANT_A)
                .get("/v1/webhooks/deliveries?status=failed").then().extract().jsonPath()
                .getList("data.findAll { it.session_id == '" + id + "' }").size() == 3);
        JsonPath failed = as(TestKeys.TENANT_A).get("/v1/webhooks/deliveries?status=failed").then().extract().jsonPath();
        String one = failed.getString("data.find { it.session_id == '" + id + "' }.id");
        assertEquals("HTTP 503", failed.getString("data.find { it.id == '" + one + "' }.last_error"));
        assertTrue(receiver.received.isEmpty());

        receiver.failAlways(false);
        as(TestKeys.TENANT_A).post("/v1/webhooks/deliveries/" + one + "/retry").then().statusCode(200)
                .body("status", equalTo("pending"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 1);
        assertEquals(one, receiver.received.get(0).id());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> "delivered".equals(as(TestKeys.TENANT_A)
                .get("/v1/webhooks/deliveries").then().extract().jsonPath()
                .getString("data.find { it.id == '" + one + "' }.status")));
    }
}
