package realtime.gateway.api;

import static realtime.gateway.testing.Api.management;
import static realtime.gateway.testing.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.event.Corpus;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/** Slow subscribers and upstream faults stay contained: nobody else notices. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class FanoutFaultsTest {

    record Live(String id, FakeRealtimeServer.Conn upstream) {
    }

    static Live create() {
        FakeRealtimeServer fake = FakeUpstreamResource.server();
        int before = fake.count();
        String id = given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.count() > before);
        FakeRealtimeServer.Conn conn = fake.connections().get(before);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
        return new Live(id, conn);
    }

    static int subscribers(String id) {
        return ((Number) given().get("/v1/sessions/" + id).then().extract().path("counters.subscribers_now")).intValue();
    }

    @Test
    public void moreSessionsThanAConnectionPoolAllGetTheirOwnUpstream() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add(given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                    .then().statusCode(200).extract().path("id"));
        }
        for (String id : ids) {
            Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
        }
        ids.forEach(id -> given().delete("/v1/sessions/" + id).then().statusCode(200));
    }

    @Test
    public void aStalledSubscriberIsCutWith4008WhileANormalOneGetsEverything() {
        Live s = create();
        String big = "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_big\",\"delta\":\""
                + "A".repeat(64 * 1024) + "\"}";
        int frames = 400;
        try (WsClient normal = WsClient.connect("/v1/sessions/" + s.id() + "/events");
                WsClient stalled = WsClient.connect("/v1/sessions/" + s.id() + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(s.id()) == 2);
            stalled.pause();
            // In batches the normal subscriber keeps up with (it is "normal": it reads what it is sent), while
            // the stalled one falls further behind with every batch. One burst of 26 MB could overrun any reader.
            for (int batch = 0; batch < frames / 20; batch++) {
                for (int i = 0; i < 20; i++) {
                    s.upstream().send(big);
                }
                long expected = (batch + 1) * 20L;
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> normal.texts().stream().filter(big::equals).count() == expected);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(s.id()) == 1);
            assertNull(normal.closeCode(), "the normal subscriber stays connected");
            stalled.resume();
            assertEquals(4008, stalled.awaitClose());
            assertEquals("slow consumer", stalled.closeReason());
            assertTrue(stalled.texts().size() < frames, "the stalled subscriber was cut before the end");
        }
        given().get("/v1/sessions/" + s.id()).then().body("state", equalTo("active"));
    }

    /**
     * An SSE subscriber that stops reading is evicted like a WebSocket one, and its connection is closed by the
     * gateway: once the client reads what is buffered, it meets the end of the stream, not a socket held open.
     */
    @Test
    public void aStalledSseSubscriberIsCutAndItsConnectionClosed() throws Exception {
        Live s = create();
        String big = "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_big\",\"delta\":\""
                + "A".repeat(64 * 1024) + "\"}";
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.setReceiveBufferSize(4096);
            raw.connect(new java.net.InetSocketAddress("127.0.0.1", io.restassured.RestAssured.port), 5000);
            raw.getOutputStream().write(("GET /v1/sessions/" + s.id() + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: Bearer " + realtime.gateway.testing.TestKeys.ADMIN
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(s.id()) == 1);
            // It reads nothing while the session sends 25 MB: far more than the socket buffers hold.
            for (int i = 0; i < 400 && subscribers(s.id()) == 1; i++) {
                s.upstream().send(big);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(s.id()) == 0);
            raw.setSoTimeout(10_000);
            java.io.InputStream in = raw.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            int n;
            try {
                while ((n = in.read(buf)) >= 0) {
                    read += n;
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the connection was left open after the eviction (" + read + " bytes read)");
            } catch (java.net.SocketException e) {
                // reset by the gateway: closed as well
            }
        }
        given().get("/v1/sessions/" + s.id()).then().body("state", equalTo("active"));
    }

    @Test
    public void upstreamGarbageIsForwardedAndTheSessionGoesOn() {
        Live s = create();
        try (WsClient sub = WsClient.connect("/v1/sessions/" + s.id() + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(s.id()) == 1);
            s.upstream().send("this is not json {");
            s.upstream().send("[1,2,3]");
            s.upstream().sendJson(Corpus.read("server.error.json"));
            s.upstream().send("{\"type\":\"brand_new.event\",\"event_id\":\"e1\"}");
            List<String> got = sub.await(4);
            assertEquals(s.upstream().sent.subList(s.upstream().sent.size() - 4, s.upstream().sent.size()), got);
        }
        given().get("/v1/sessions/" + s.id()).then().body("state", equalTo("active"))
                .body("counters.events_by_type.'(malformed)'", equalTo(2))
                .body("counters.events_by_type.error", equalTo(1))
                .body("counters.events_by_type.'brand_new.event'", equalTo(1));
    }

    @Test
    public void aFatalUpstreamErrorFailsOnlyItsSession() {
        Live failing = create();
        Live other = create();
        try (WsClient sub = WsClient.connect("/v1/sessions/" + failing.id() + "/events");
                WsClient bystander = WsClient.connect("/v1/sessions/" + other.id() + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(failing.id()) == 1);
            failing.upstream().sendJson(Corpus.read("ga.error.invalid_api_key.json"));
            assertEquals(1000, sub.awaitClose());
            List<String> frames = sub.texts();
            assertTrue(frames.get(0).contains("\"invalid_api_key\""), "the error itself is forwarded first");
            assertTrue(frames.stream().anyMatch(f -> f.contains("gateway.session.state") && f.contains("\"failed\"")));
            String last = frames.get(frames.size() - 1);
            assertTrue(last.contains("gateway.session.closed") && last.contains("upstream error invalid_api_key"), last);
            assertNull(bystander.closeCode());
        }
        given().get("/v1/sessions/" + failing.id()).then().body("state", equalTo("failed"));
        given().get("/v1/sessions/" + other.id()).then().body("state", equalTo("active"));
    }

    /** Was: the close ended the session. Since sessions reconnect (issue 16), it is reported and survived. */
    @Test
    public void anUpstreamCloseIsReportedWithItsCodeAndReasonAndTheSessionReconnects() {
        Live dropped = create();
        Live other = create();
        try (WsClient sub = WsClient.connect("/v1/sessions/" + dropped.id() + "/events");
                WsClient bystander = WsClient.connect("/v1/sessions/" + other.id() + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(dropped.id()) == 1);
            dropped.upstream().close(1011, "upstream fault");
            String reconnecting = sub.awaitText("\"state\":\"reconnecting\"");
            assertTrue(reconnecting.contains("\"close_code\":1011") && reconnecting.contains("upstream fault"),
                    reconnecting);
            sub.awaitText("gateway.upstream.reconnected");
            assertNull(sub.closeCode(), "subscribers stay connected through a reconnect");
            assertNull(bystander.closeCode());
        }
        given().get("/v1/sessions/" + dropped.id()).then().body("state", equalTo("active"))
                .body("upstream.reconnects", equalTo(1));
        given().get("/v1/sessions/" + other.id()).then().body("state", equalTo("active"))
                .body("upstream.reconnects", equalTo(0));
        management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    public void aSubscriberToAnEndedSessionGetsTheClosedEventAndAClose() {
        Live s = create();
        given().delete("/v1/sessions/" + s.id()).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "closed".equals(given().get("/v1/sessions/" + s.id()).then().extract().path("state")));
        try (WsClient late = WsClient.connect("/v1/sessions/" + s.id() + "/events")) {
            assertEquals(1000, late.awaitClose());
            assertFalse(late.texts().isEmpty());
            assertTrue(late.texts().get(0).contains("gateway.session.closed"));
        }
        given().contentType("audio/pcm").body(new byte[480]).post("/v1/sessions/" + s.id() + "/audio")
                .then().statusCode(409).body("error.code", equalTo("session_closed"));
    }
}
