package realtime.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import realtime.gateway.audio.Pcm;
import realtime.gateway.testing.GatewayJar;
import realtime.gateway.testing.Node;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;

/**
 * No event lost across a crash, against the packaged jar: the receiver is down while a session is transcribed and
 * closed, the gateway is killed with SIGKILL and started again on the same data, then the receiver comes up,
 * refusing each message's first three attempts, and verifies every delivery with the {@code standardwebhooks}
 * library (src/test/node/webhook-receiver): both turns and the close arrive, on the fourth attempt.
 */
public class WebhookIT {

    static final Path DIR = Path.of("src", "test", "node", "webhook-receiver");
    static final ObjectMapper JSON = new ObjectMapper();

    static RequestSpecification api() {
        return RestAssured.given().header("Authorization", "Bearer " + TestKeys.TENANT_A);
    }

    @Test
    void everyEventArrivesVerifiedAfterTheGatewayRestartedWhileTheReceiverWasDown() throws Exception {
        Node.require(DIR, "the webhook receiver test");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FakeRealtimeServer fake = new FakeRealtimeServer().start();
        fake.transcripts(List.of("before the crash", "and again"));
        Map<String, String> env = Map.of("GATEWAY_UPSTREAM_URL", fake.url(), "OPENAI_API_KEY", FakeRealtimeServer.KEY,
                "GATEWAY_STORE_PATH", "./target/it-webhooks/" + UUID.randomUUID(),
                "GATEWAY_WEBHOOKS_URL", "http://127.0.0.1:" + port + "/hooks/gateway",
                "GATEWAY_WEBHOOKS_SECRET", WebhookReceiver.SECRET, "GATEWAY_WEBHOOKS_INITIAL_BACKOFF", "200ms",
                "GATEWAY_WEBHOOKS_MAX_BACKOFF", "1s", "GATEWAY_WEBHOOKS_POLL", "100ms");
        Process receiver = null;
        try {
            String id;
            try (GatewayJar gateway = GatewayJar.start(env)) {
                id = api().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                        .then().statusCode(200).extract().path("id");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "active".equals(
                        api().get("/v1/sessions/" + id).then().extract().path("state")));
                api().contentType("application/octet-stream")
                        .body(TestAudio.toneAndSilence(Pcm.UPSTREAM_RATE, 700, 700, 700, 700).toLittleEndian())
                        .post("/v1/sessions/" + id + "/audio").then().statusCode(200);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api().get("/v1/sessions/" + id
                        + "/transcript").then().extract().jsonPath().getList("items").size() == 2);
                api().delete("/v1/sessions/" + id).then().statusCode(200);
                // All three wait in the outbox: the receiver is not there.
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api().get("/v1/webhooks/deliveries")
                        .then().extract().jsonPath().getList("data.findAll { it.session_id == '" + id
                                + "' && it.attempts > 0 }").size() == 3);
                gateway.kill9();
            }
            try (GatewayJar again = GatewayJar.start(env)) {
                Path out = Files.createTempFile("webhook-receiver", ".out");
                receiver = Node.start(DIR, Map.of("PORT", Integer.toString(port), "SECRET", WebhookReceiver.SECRET,
                        "FAIL_FIRST", "3", "MAX_SECONDS", "120"), out, "node", "receiver.mjs");
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> delivered(out, id).size() == 3);
                List<JsonNode> got = delivered(out, id);
                assertEquals(Set.of("transcript.item.completed", "session.closed"),
                        got.stream().map(e -> e.path("type").asText()).collect(Collectors.toSet()));
                assertEquals(Set.of("before the crash", "and again"), got.stream()
                        .filter(e -> e.path("type").asText().equals("transcript.item.completed"))
                        .map(e -> e.path("data").path("text").asText()).collect(Collectors.toSet()));
                assertTrue(got.stream().allMatch(e -> e.path("attempt").asInt() == 4), got.toString());
                assertTrue(Files.readAllLines(out).stream().noneMatch(l -> l.contains("\"rejected\"")),
                        "every delivery verified: " + Files.readString(out));
            }
        } finally {
            if (receiver != null) {
                receiver.destroyForcibly();
            }
            fake.stop();
        }
    }

    static List<JsonNode> delivered(Path out, String sessionId) throws Exception {
        return Files.readAllLines(out).stream().filter(l -> l.startsWith("{\"id\"")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(l, e);
            }
        }).filter(e -> sessionId.equals(e.path("data").path("session_id").asText())
                || sessionId.equals(e.path("data").path("id").asText())).toList();
    }
}
