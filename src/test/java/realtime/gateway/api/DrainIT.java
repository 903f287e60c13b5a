package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import realtime.gateway.testing.GatewayJar;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;

/**
 * A rolling update, against the packaged jar: SIGTERM arrives while a turn is being transcribed. The gateway
 * stops taking sessions and reports not ready at once, waits for the transcription, sends it, closes the
 * session (subscribers get {@code gateway.session.closed}, then close 1001) and exits 0 within its grace.
 */
public class DrainIT {

    FakeRealtimeServer fake;
    GatewayJar jar;
    Process gateway;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        fake = new FakeRealtimeServer().start();
        jar = GatewayJar.start(Map.of("GATEWAY_UPSTREAM_URL", fake.url(), "OPENAI_API_KEY", FakeRealtimeServer.KEY,
                "GATEWAY_SHUTDOWN_GRACE", "20s"));
        gateway = jar.process();
    }

    @AfterEach
    void stop() throws Exception {
        jar.close();
        fake.stop();
    }

    int status(String path) throws Exception {
        int to = path.startsWith("/q/health") ? jar.managementPort : jar.port;
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to + path))
                .header("Authorization", "Bearer " + TestKeys.ADMIN).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    int create() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(jar.url() + "/v1/realtime/transcription_sessions"))
                .header("Authorization", "Bearer " + TestKeys.ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    public void sigtermDuringATurnDeliversItsTranscriptThenClosesAndExitsZero() throws Exception {
        fake.holdCompletions(true);
        String id = realtime.gateway.testing.Api.given().contentType("application/json").body("{}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.count() == 1);
        FakeRealtimeServer.Conn upstream = fake.last();
        try (WsClient subscriber = WsClient.connect("/v1/sessions/" + id + "/events")) {
            realtime.gateway.testing.Api.given().contentType("audio/wav")
                    .body(TestAudio.wav(TestAudio.toneAndSilence(24000, 600, 700)))
                    .post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            subscriber.awaitText("input_audio_buffer.committed");

            gateway.toHandle().destroy(); // SIGTERM
            try {
                subscriber.awaitText("\"closing\"");
            } catch (RuntimeException e) {
                throw new AssertionError("subscriber saw " + subscriber.texts() + ", close " + subscriber.closeCode(), e);
            }
            assertEquals(503, status("/q/health/ready"), "not ready from the first moment of the drain");
            assertEquals(503, create(), "no new sessions while draining");
            assertTrue(gateway.isAlive(), "waits for the transcription");

            upstream.releaseCompletionsReversed();
            assertEquals(1001, subscriber.awaitClose());
            List<String> types = subscriber.texts().stream()
                    .map(t -> t.replaceAll("^\\{\"type\":\"([^\"]+)\".*$", "$1")).toList();
            int completed = types.indexOf("conversation.item.input_audio_transcription.completed");
            int closed = types.indexOf("gateway.session.closed");
            assertTrue(completed > 0 && closed > completed, "the transcript, then the close: " + types);
            assertTrue(subscriber.texts().get(completed).contains("hello world"));
            assertTrue(subscriber.texts().stream().anyMatch(t -> t.contains("\"closing\"") && t.contains("shutdown")));
        }
        assertTrue(gateway.waitFor(20, TimeUnit.SECONDS), "exits within the grace");
        assertEquals(0, gateway.exitValue());
        assertEquals(1000, (int) upstream.closeCode, "the upstream was closed cleanly");
    }
}
