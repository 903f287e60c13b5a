package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * A bounded soak: sessions speaking turns in real time while the upstream drops connections at random
 * (closes 1000, 1001, 1011 and {@code server_error}s, at any point of a turn). Afterwards every turn spoken
 * is in its session's transcript exactly once, every subscriber saw each frame once and was told of each of
 * its session's reconnects, and the time from drop to reconnected is printed as p50/p99.
 * <p>
 * The suite runs a short soak (20 sessions, 40 drops over 20 s); {@code bench/soak.sh} runs the long one
 * ({@code -Dsoak.seconds=120 -Dsoak.drops=100}).
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class SoakTest {

    static final int SESSIONS = Integer.getInteger("soak.sessions", 20);
    static final int SECONDS = Integer.getInteger("soak.seconds", 20);
    static final int DROPS = Integer.getInteger("soak.drops", 40);
    static final long SEED = Long.getLong("soak.seed", System.nanoTime());
    /** One turn: 600 ms of speech, 700 ms of pause; each session speaks one every 1.3 s. */
    static final int TURN_MS = 1300;

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    @AfterEach
    void reset() {
        fake().reset();
    }

    static final class Speaker {
        final String id;
        final WsClient subscriber;
        final AtomicInteger turns = new AtomicInteger();

        Speaker(String id) {
            this.id = id;
            this.subscriber = WsClient.connect("/v1/sessions/" + id + "/events?envelope=true");
        }
    }

    @Test
    public void sessionsSurviveRandomUpstreamDropsWithNoTurnLostAndNoFrameTwice() throws Exception {
        Random random = new Random(SEED);
        int before = fake().count();
        List<Speaker> speakers = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            String id = given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                    .then().statusCode(200).extract().path("id");
            speakers.add(new Speaker(id));
        }
        for (Speaker s : speakers) {
            Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> "active".equals(given().get("/v1/sessions/" + s.id).then().extract().path("state")));
        }
        byte[] turn = TestAudio.toneAndSilence(24000, 600, 700).toLittleEndian();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(4);
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        // Speech: each session uploads one turn per TURN_MS, the sessions spread over the period (a live source's pace).
        for (int i = 0; i < speakers.size(); i++) {
            Speaker s = speakers.get(i);
            clock.scheduleAtFixedRate(() -> {
                if (System.nanoTime() >= end) {
                    return;
                }
                try {
                    given().contentType("audio/pcm").body(turn).post("/v1/sessions/" + s.id + "/audio").then()
                            .statusCode(200);
                    s.turns.incrementAndGet();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, (long) i * TURN_MS / speakers.size(), TURN_MS, TimeUnit.MILLISECONDS);
        }
        // Drops: one of the open upstream connections, in one of four ways, at random times over the period.
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < DROPS; i++) {
            at.add(500 + (long) (random.nextDouble() * (SECONDS * 1000L - 1500)));
        }
        Collections.sort(at);
        AtomicInteger dropped = new AtomicInteger();
        List<FakeRealtimeServer.Conn> hit = Collections.synchronizedList(new ArrayList<>());
        for (long ms : at) {
            clock.schedule(() -> {
                List<FakeRealtimeServer.Conn> open = new ArrayList<>();
                List<FakeRealtimeServer.Conn> all = fake().connections();
                for (int i = before; i < all.size(); i++) {
                    FakeRealtimeServer.Conn c = all.get(i);
                    if (c.closeCode == null && !hit.contains(c)) {
                        open.add(c);
                    }
                }
                if (open.isEmpty()) {
                    return;
                }
                FakeRealtimeServer.Conn c;
                int how;
                synchronized (random) {
                    c = open.get(random.nextInt(open.size()));
                    how = random.nextInt(4);
                }
                hit.add(c);
                dropped.incrementAndGet();
                switch (how) {
                    case 0 -> c.close(1000, "");
                    case 1 -> c.close(1001, "going away");
                    case 2 -> c.close(1011, "internal error");
                    default -> c.send("{\"type\":\"error\",\"event_id\":\"event_soak\",\"error\":{\"type\":\"server_error\","
                            + "\"code\":\"server_error\",\"message\":\"The server had an error.\",\"param\":null,"
                            + "\"event_id\":null}}");
                }
            }, ms, TimeUnit.MILLISECONDS);
        }
        Awaitility.await().atMost(Duration.ofSeconds(SECONDS + 30)).pollInterval(Duration.ofMillis(200))
                .until(() -> System.nanoTime() >= end);
        clock.shutdown();
        assertTrue(clock.awaitTermination(30, TimeUnit.SECONDS), "speech and drops stopped");
        assertTrue(failures.isEmpty(), "every upload was taken: " + failures);

        long turns = 0;
        long lost = 0;
        long reconnects = 0;
        List<Long> downtimes = new ArrayList<>();
        for (Speaker s : speakers) {
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> items(s.id) >= s.turns.get()
                        && "active".equals(given().get("/v1/sessions/" + s.id).then().extract().path("state")));
            } catch (RuntimeException e) {
                lost += s.turns.get() - items(s.id);
            }
            turns += s.turns.get();
            assertEquals(s.turns.get(), items(s.id), "session " + s.id + ": every turn once");
            List<String> texts = s.subscriber.texts();
            long previous = -1;
            for (String t : texts) {
                long seq = ResumeTest.json(t).path("seq").asLong();
                assertTrue(previous < 0 || seq == previous + 1, "session " + s.id + ": no frame twice or missing");
                previous = seq;
            }
            int told = 0;
            for (String t : texts) {
                if (t.contains("\"gateway.upstream.reconnected\"")) {
                    told++;
                    downtimes.add(ResumeTest.json(t).path("event").path("downtime_ms").asLong());
                }
            }
            int count = given().get("/v1/sessions/" + s.id).then().extract().path("upstream.reconnects");
            assertEquals(count, told, "session " + s.id + ": subscribers told of every reconnect");
            reconnects += count;
            s.subscriber.close();
            given().delete("/v1/sessions/" + s.id).then().statusCode(200);
        }
        Collections.sort(downtimes);
        System.out.printf("soak: seed=%d sessions=%d seconds=%d turns=%d drops=%d reconnects=%d lost_turns=%d "
                + "drop_to_reconnected_ms p50=%d p99=%d max=%d%n", SEED, SESSIONS, SECONDS, turns, dropped.get(),
                reconnects, lost, percentile(downtimes, 50), percentile(downtimes, 99),
                downtimes.isEmpty() ? 0 : downtimes.get(downtimes.size() - 1));
        assertEquals(0, lost);
        assertEquals(dropped.get(), reconnects, "each drop was one reconnect");
    }

    static int items(String id) {
        return given().get("/v1/sessions/" + id + "/transcript").then().extract().path("items.size()");
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
