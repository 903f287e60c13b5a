package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * A producer faster than the upstream is held back, not buffered: with the upstream not reading, the
 * gateway stops reading the producer's socket, so the producer's own writes stall; when the upstream
 * reads again, every byte arrives, in order.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class BackpressureTest {

    static final int FRAME = 96_000;
    // 67 MB: half of it is far more than every socket buffer on the way can hold together (loopback TCP
    // buffers grow to 4-6 MB each, and there are four of them between the producer and the fake upstream).
    static final int FRAMES = 700;

    @Test
    public void aStalledUpstreamPausesTheProducerAndLosesNothing() throws Exception {
        int before = FakeUpstreamResource.server().count();
        String id = given().contentType("application/json").body("{\"turn_detection\":null}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
        FakeRealtimeServer.Conn upstream = FakeUpstreamResource.server().connections().get(before);
        upstream.ws.pause();

        AtomicInteger written = new AtomicInteger();
        try (WsClient producer = WsClient.connect("/v1/sessions/" + id + "/audio", TestKeys.bearer(TestKeys.ADMIN),
                List.of())) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < FRAMES; i++) {
                    byte[] frame = new byte[FRAME];
                    Arrays.fill(frame, (byte) i);
                    producer.sendBinary(frame); // returns once the bytes are on the wire
                    written.incrementAndGet();
                }
            });
            // While the upstream reads nothing, the producer cannot get far: its writes stall.
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> written.get() < FRAMES / 2 && !sender.isDone());
            long sentWhileStalled = ((Number) given().get("/v1/sessions/" + id).then().extract()
                    .path("counters.audio_bytes_sent")).longValue();
            assertTrue(sentWhileStalled < (long) FRAMES * FRAME / 2,
                    "the gateway did not take the producer's audio while the upstream was stalled: " + sentWhileStalled);

            upstream.ws.resume();
            sender.get(60, java.util.concurrent.TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> appends(upstream) == FRAMES);
        }
        List<JsonNode> appended = upstream.receivedJson().stream()
                .filter(j -> "input_audio_buffer.append".equals(j.path("type").asText())).toList();
        for (int i = 0; i < FRAMES; i++) {
            byte[] audio = Base64.getDecoder().decode(appended.get(i).path("audio").asText());
            assertEquals(FRAME, audio.length);
            assertEquals((byte) i, audio[0], "append " + i + " in order");
            assertEquals((byte) i, audio[FRAME - 1]);
        }
        assertEquals((long) FRAMES * FRAME, ((Number) given().get("/v1/sessions/" + id).then().extract()
                .path("counters.audio_bytes_sent")).longValue());
        assertFalse(upstream.closeCode != null, "the upstream stayed open");
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }

    private static long appends(FakeRealtimeServer.Conn upstream) {
        return upstream.received.stream().filter(r -> r.startsWith("{\"type\":\"input_audio_buffer.append\"")).count();
    }
}
