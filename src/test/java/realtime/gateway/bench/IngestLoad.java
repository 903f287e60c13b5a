package realtime.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Ingest load generator (used by {@code bench/ingest.sh}): S sessions, each with one producer streaming
 * PCM16 24 kHz in real time (100 ms binary frames) over {@code /v1/sessions/{id}/audio}, and a fake Realtime
 * upstream that counts the audio it receives in {@code input_audio_buffer.append} events. Reports the
 * target's CPU per second of audio forwarded, and whether all of it arrived. Bounded in time.
 */
public final class IngestLoad {

    static final int FRAME_MS = 100;
    static final int FRAME_BYTES = 48 * FRAME_MS;
    static final String APPEND = "\"input_audio_buffer.append\"";

    public static void main(String[] args) {
        try {
            run(BenchProcess.args(args));
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<io.vertx.core.http.ServerWebSocket> upstreams = new CopyOnWriteArrayList<>();
    private final List<WebSocket> producers = new CopyOnWriteArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final AtomicLong receivedBytes = new AtomicLong();
    private final String gateway;
    private final long pid;

    private IngestLoad(String gateway, int port, long pid) throws Exception {
        this.gateway = gateway;
        this.pid = pid;
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setMaxWebSocketFrameSize(1 << 20)
                .setMaxWebSocketMessageSize(1 << 24)).webSocketHandler(ws -> {
                    upstreams.add(ws);
                    ws.textMessageHandler(t -> {
                        int at = t.indexOf("\"audio\":\"");
                        if (t.contains(APPEND) && at >= 0) {
                            // Decoded size of the base64 payload, without decoding it.
                            int end = t.indexOf('"', at + 9);
                            int pad = t.charAt(end - 1) == '=' ? (t.charAt(end - 2) == '=' ? 2 : 1) : 0;
                            receivedBytes.addAndGet((end - at - 9) / 4 * 3 - pad);
                        } else if (t.contains("\"session.update\"")) {
                            ws.writeTextMessage("{\"type\":\"session.updated\",\"event_id\":\"event_u\",\"session\":"
                                    + "{\"type\":\"transcription\"}}");
                        }
                    });
                    ws.writeTextMessage("{\"type\":\"session.created\",\"event_id\":\"event_c\",\"session\":"
                            + "{\"type\":\"transcription\"}}");
                }).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void run(Map<String, String> a) throws Exception {
        int sessions = Integer.parseInt(a.getOrDefault("sessions", "100"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "30"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "5"));
        IngestLoad load = new IngestLoad(a.getOrDefault("gateway", "http://127.0.0.1:8080"),
                Integer.parseInt(a.getOrDefault("upstream-port", "18765")), Long.parseLong(a.getOrDefault("target-pid", "0")));
        try {
            load.setUp(sessions);
            System.out.printf("ingest: %d sessions streaming PCM16 24 kHz in real time (%d ms frames), %d s after %d s "
                    + "warm-up%n", sessions, FRAME_MS, seconds, warmup);
            load.measure(warmup, seconds);
        } finally {
            load.tearDown();
        }
    }

    private void setUp(int sessions) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
        URI base = URI.create(gateway);
        for (int i = 0; i < sessions; i++) {
            HttpResponse<String> r = http.send(BenchAuth.authorized(URI.create(gateway + "/v1/realtime/transcription_sessions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"turn_detection\":null}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("create failed: " + r.statusCode() + " " + r.body());
            }
            int at = r.body().indexOf("\"id\":\"") + 6;
            ids.add(r.body().substring(at, r.body().indexOf('"', at)));
        }
        Awaitility.await("an upstream connection per session").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(() -> upstreams.size() >= sessions);
        for (String id : ids) {
            producers.add(client.connect(BenchAuth.authorized(new WebSocketConnectOptions()).setHost(base.getHost())
                    .setPort(base.getPort()).setURI("/v1/sessions/" + id + "/audio")).toCompletionStage()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
    }

    private void measure(int warmup, int seconds) throws Exception {
        byte[] pcm = new byte[FRAME_BYTES];
        for (int i = 0; i < pcm.length / 2; i++) {
            short s = (short) (8000 * Math.sin(2 * Math.PI * 220 * i / 24000.0));
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        Buffer frame = Buffer.buffer(pcm);
        AtomicLong sentBytes = new AtomicLong();
        List<Long> timers = new ArrayList<>();
        for (int i = 0; i < producers.size(); i++) {
            WebSocket ws = producers.get(i);
            long start = System.nanoTime() + (long) (Math.random() * FRAME_MS * 1_000_000L);
            long[] due = { start };
            timers.add(vertx.setPeriodic(10, t -> {
                long now = System.nanoTime();
                while (due[0] <= now) {
                    ws.writeBinaryMessage(frame);
                    sentBytes.addAndGet(FRAME_BYTES);
                    due[0] += FRAME_MS * 1_000_000L;
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        long cpu0 = cpuTicks();
        long bytes0 = receivedBytes.get();
        long sent0 = sentBytes.get();
        Thread.sleep(seconds * 1000L);
        long cpu1 = cpuTicks();
        long bytes1 = receivedBytes.get();
        long sent1 = sentBytes.get();
        timers.forEach(vertx::cancelTimer);
        Awaitility.await("the last audio upstream").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> receivedBytes.get() >= sentBytes.get());
        double audioSeconds = (bytes1 - bytes0) / 48_000.0;
        double sentSeconds = (sent1 - sent0) / 48_000.0;
        double cpu = pid == 0 ? -1 : (cpu1 - cpu0) / 100.0;
        System.out.printf("  audio forwarded in the window: %.0f s (producers sent %.0f s); all %d bytes arrived: %s%n",
                audioSeconds, sentSeconds, sentBytes.get(), receivedBytes.get() == sentBytes.get());
        System.out.printf("  target CPU %.2f s = %.3f ms per second of audio forwarded%n", cpu, cpu * 1000 / audioSeconds);
        System.out.printf("RESULT ingest sessions=%d audio_s=%.1f cpu_s=%.2f cpu_ms_per_audio_s=%.3f all=%s%n",
                producers.size(), audioSeconds, cpu, cpu * 1000 / audioSeconds, receivedBytes.get() == sentBytes.get());
    }

    private long cpuTicks() throws java.io.IOException {
        return BenchProcess.cpuTicks(pid);
    }

    private void tearDown() throws Exception {
        producers.forEach(WebSocket::close);
        for (String id : ids) {
            http.send(BenchAuth.authorized(URI.create(gateway + "/v1/sessions/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
