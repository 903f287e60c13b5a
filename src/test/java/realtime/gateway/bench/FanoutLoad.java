package realtime.gateway.bench;

import static realtime.gateway.bench.BenchAuth.authorized;

import java.net.URI;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Fan-out load generator (used by {@code bench/run.sh} against the gateway, the Node baseline and the Vert.x
 * ceiling): a load-emitting fake Realtime upstream plus S×N subscribers, against a gateway
 * started separately (see {@code bench/run.sh}). Each upstream frame carries its send time in its
 * {@code event_id}; subscribers record receive time. Prints delivered events/s and latency percentiles.
 * Runs are bounded: warm-up plus measurement seconds, then it stops by itself.
 */
public final class FanoutLoad {

    /** Frame mix of a real transcription turn: many small deltas, a few larger lifecycle frames. */
    private static final String[] MIX = {
            "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_b%d\",\"item_id\":\"item_%s\",\"content_index\":0,\"delta\":\" words\",\"obfuscation\":\"q3ZtF0kPa1x\"}",
            "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_b%d\",\"item_id\":\"item_%s\",\"content_index\":0,\"delta\":\" and\",\"obfuscation\":\"q3ZtF0kPa1x\"}",
            "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_b%d\",\"item_id\":\"item_%s\",\"content_index\":0,\"delta\":\" more\",\"obfuscation\":\"q3ZtF0kPa1x\"}",
            "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_b%d\",\"item_id\":\"item_%s\",\"content_index\":0,\"delta\":\" text\",\"obfuscation\":\"q3ZtF0kPa1x\"}",
            "{\"type\":\"input_audio_buffer.committed\",\"event_id\":\"event_b%d\",\"previous_item_id\":null,\"item_id\":\"item_%s\"}",
            "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_b%d\",\"item_id\":\"item_%s\",\"content_index\":0,\"delta\":\" here\",\"obfuscation\":\"q3ZtF0kPa1x\"}",
            "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_b%d\",\"item_id\":\"item_%s\",\"content_index\":0,\"delta\":\" again\",\"obfuscation\":\"q3ZtF0kPa1x\"}",
            "{\"type\":\"conversation.item.input_audio_transcription.completed\",\"event_id\":\"event_b%d\",\"item_id\":\"item_%s\",\"content_index\":0,\"transcript\":\"Please move the follow-up appointment to Thursday at ten, and send the confirmation to the usual address.\",\"usage\":{\"type\":\"tokens\",\"total_tokens\":58,\"input_tokens\":44,\"input_token_details\":{\"text_tokens\":0,\"audio_tokens\":44},\"output_tokens\":14}}",
    };

    public static void main(String[] args) {
        try {
            run(BenchProcess.args(args));
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(Map<String, String> a) throws Exception {
        String gateway = a.getOrDefault("gateway", "http://127.0.0.1:8080");
        int sessions = Integer.parseInt(a.getOrDefault("sessions", "100"));
        int subs = Integer.parseInt(a.getOrDefault("subscribers", "10"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "20"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "5"));
        int port = Integer.parseInt(a.getOrDefault("upstream-port", "18765"));
        long pid = Long.parseLong(a.getOrDefault("target-pid", "0"));
        String mode = a.getOrDefault("mode", "load");

        FanoutLoad load = new FanoutLoad(gateway, port, pid);
        try {
            if (mode.equals("idle")) {
                load.idle(a.getOrDefault("idle-steps", "0,1000,5000"));
                return;
            }
            load.setUp(sessions, subs);
            System.out.printf("fan-out: %d sessions x %d subscribers, %d events/s per session, %d s after %d s warm-up%n",
                    sessions, subs, rate, seconds, warmup);
            Result r = load.measure(rate, warmup, seconds);
            r.print("load");
            if (a.containsKey("saturate")) {
                load.saturate(rate, Math.max(5, seconds / 6));
            }
        } finally {
            load.tearDown();
        }
    }

    /** Figures of one measured window. */
    record Result(int rate, long delivered, long expected, double perSecond, double p50, double p99, double p999,
            double max, double cpuSeconds, long peakRssKb) {

        boolean keptUp() {
            return expected > 0 && delivered >= expected * 0.999 && p99 < 1000;
        }

        void print(String label) {
            System.out.printf("  delivered %,d of %,d expected (%.2f%%), %,.0f events/s delivered%n", delivered, expected,
                    100.0 * delivered / Math.max(1, expected), perSecond);
            System.out.printf("  latency upstream send -> subscriber receive: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
                    + "max %.2f ms%n", p50, p99, p999, max);
            if (cpuSeconds >= 0) {
                System.out.printf("  target CPU %.1f s (%.2f s per 100k deliveries), peak RSS %d MiB%n", cpuSeconds,
                        cpuSeconds * 100_000 / Math.max(1, delivered), peakRssKb / 1024);
            }
            System.out.printf("RESULT %s rate=%d delivered=%d expected=%d per_s=%.0f p50=%.3f p99=%.3f p999=%.3f "
                    + "cpu_s=%.2f rss_kb=%d%n", label, rate, delivered, expected, perSecond, p50, p99, p999, cpuSeconds,
                    peakRssKb);
        }
    }

    private final String gateway;
    private final int port;
    private final long pid;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ServerWebSocket> upstreams = new CopyOnWriteArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();
    private final WebSocketClient client;
    private volatile long windowStart;
    private volatile long windowEnd;
    private volatile long[] latencies = new long[0];
    private final AtomicInteger latencyCount = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private int subscribersPerSession;

    private FanoutLoad(String gateway, int port, long pid) throws Exception {
        this.gateway = gateway;
        this.port = port;
        this.pid = pid;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
                .setMaxConnections(100_000));
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .webSocketHandler(ws -> {
                    upstreams.add(ws);
                    ws.textMessageHandler(t -> {
                        if (t.contains("\"session.update\"")) {
                            ws.writeTextMessage("{\"type\":\"session.updated\",\"event_id\":\"event_u\",\"session\":{\"type\":\"transcription\"}}");
                        }
                    });
                    ws.writeTextMessage("{\"type\":\"session.created\",\"event_id\":\"event_c\",\"session\":{\"type\":\"transcription\"}}");
                }).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String create() throws Exception {
        HttpResponse<String> r = http.send(authorized(URI.create(gateway + "/v1/realtime/transcription_sessions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("create failed: " + r.statusCode() + " " + r.body());
        }
        String body = r.body();
        int at = body.indexOf("\"id\":\"") + 6;
        String id = body.substring(at, body.indexOf('"', at));
        ids.add(id);
        return id;
    }

    private void subscribe(String id, int n, boolean record) throws Exception {
        URI base = URI.create(gateway);
        List<CompletableFuture<WebSocket>> opens = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            opens.add(client.connect(authorized(new WebSocketConnectOptions()).setHost(base.getHost()).setPort(base.getPort())
                    .setURI("/v1/sessions/" + id + "/events")).map(ws -> {
                        if (record) {
                            ws.textMessageHandler(this::received);
                        }
                        return ws;
                    }).toCompletionStage().toCompletableFuture());
        }
        for (CompletableFuture<WebSocket> f : opens) {
            sockets.add(f.get(60, TimeUnit.SECONDS));
        }
    }

    private void received(String t) {
        int at = t.indexOf("\"event_b");
        if (at < 0) {
            return;
        }
        long now = System.nanoTime();
        long sent = Long.parseLong(t, at + 8, t.indexOf('"', at + 8), 10);
        if (windowStart != 0 && sent >= windowStart && sent < windowEnd) {
            delivered.incrementAndGet();
            int k = latencyCount.getAndIncrement();
            long[] l = latencies;
            if (k < l.length) {
                l[k] = now - sent;
            }
        }
    }

    private void setUp(int sessions, int subs) throws Exception {
        this.subscribersPerSession = subs;
        for (int i = 0; i < sessions; i++) {
            create();
        }
        Awaitility.await("an upstream connection per session").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(() -> upstreams.size() >= sessions);
        for (String id : ids) {
            subscribe(id, subs, true);
        }
        Thread.sleep(1000); // let the targets register the last subscriptions before the first frame
    }

    /** Emits at {@code rate} per session for warm-up plus measurement seconds and measures the window. */
    private Result measure(int rate, int warmup, int seconds) throws Exception {
        latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8,
                (long) upstreams.size() * subscribersPerSession * rate * seconds * 2 + 1000)];
        latencyCount.set(0);
        delivered.set(0);
        windowStart = 0;
        windowEnd = Long.MAX_VALUE;
        AtomicLong sentFrames = new AtomicLong();
        long periodNs = 1_000_000_000L / rate;
        List<Long> timers = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            ServerWebSocket ws = upstreams.get(i);
            String item = "load" + i;
            int[] n = { i % MIX.length };
            long[] due = { System.nanoTime() + (long) (Math.random() * periodNs) };
            timers.add(vertx.setPeriodic(5, t -> {
                long now = System.nanoTime();
                while (due[0] <= now && now < windowEnd) {
                    ws.writeTextMessage(String.format(MIX[n[0]++ % MIX.length], now, item));
                    if (windowStart != 0 && now >= windowStart) {
                        sentFrames.incrementAndGet();
                    }
                    due[0] += periodNs;
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        long cpu0 = cpuTicks();
        long begin = System.nanoTime();
        windowEnd = begin + seconds * 1_000_000_000L;
        windowStart = begin;
        Thread.sleep(seconds * 1000L);
        long cpu1 = cpuTicks();
        Thread.sleep(2000L); // drain
        timers.forEach(vertx::cancelTimer);
        long expected = sentFrames.get() * subscribersPerSession;
        int n = Math.min(latencyCount.get(), latencies.length);
        long[] l = Arrays.copyOf(latencies, n);
        Arrays.sort(l);
        double cpu = pid == 0 ? -1 : (cpu1 - cpu0) / 100.0;
        return new Result(rate, delivered.get(), expected, delivered.get() / (double) seconds, pct(l, 0.50), pct(l, 0.99),
                pct(l, 0.999), n == 0 ? 0 : l[n - 1] / 1e6, cpu, status("VmHWM"));
    }

    /** Raises the rate until delivery falls behind; reports the highest rate that kept up. */
    private void saturate(int from, int seconds) throws Exception {
        System.out.println("saturation (raising events/s per session until delivery falls behind):");
        Result best = null;
        for (int rate = from; rate <= 2000; rate = (int) Math.ceil(rate * 1.25)) {
            Result r = measure(rate, 2, seconds);
            System.out.printf("  %4d/s per session: %,.0f events/s delivered (%.2f%% of expected), p99 %.1f ms -> %s%n", rate,
                    r.perSecond(), 100.0 * r.delivered() / Math.max(1, r.expected()), r.p99(),
                    r.keptUp() ? "keeps up" : "behind");
            if (!r.keptUp()) {
                break;
            }
            best = r;
        }
        if (best != null) {
            System.out.printf("RESULT saturation rate=%d per_s=%.0f%n", best.rate(), best.perSecond());
        }
    }

    /** RSS of the target with one session and growing numbers of idle subscribers. */
    private void idle(String steps) throws Exception {
        String id = create();
        Awaitility.await("the session's upstream connection").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(() -> !upstreams.isEmpty());
        int open = 0;
        List<long[]> points = new ArrayList<>();
        for (String step : steps.split(",")) {
            int target = Integer.parseInt(step.strip());
            subscribe(id, target - open, false);
            open = target;
            Thread.sleep(3000);
            long rss = status("VmRSS");
            points.add(new long[] { open, rss });
            System.out.printf("  %5d idle subscribers: target RSS %d MiB%n", open, rss / 1024);
        }
        long[] first = points.get(0);
        long[] last = points.get(points.size() - 1);
        double perSub = (last[1] - first[1]) * 1024.0 / Math.max(1, last[0] - first[0]);
        System.out.printf("RESULT idle per_subscriber_bytes=%.0f%n", perSub);
    }

    private long cpuTicks() throws java.io.IOException {
        return BenchProcess.cpuTicks(pid);
    }

    private long status(String key) throws java.io.IOException {
        if (pid == 0) {
            return 0;
        }
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private void tearDown() throws Exception {
        sockets.forEach(WebSocket::close);
        for (String id : ids) {
            http.send(authorized(URI.create(gateway + "/v1/sessions/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }
}
