package realtime.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Fan-out load generator: a load-emitting fake Realtime upstream plus S×N subscribers, against a gateway
 * started separately (see {@code bench/fanout.sh}). Each upstream frame carries its send time in its
 * {@code event_id}; subscribers record receive time. Prints delivered events/s and latency percentiles.
 * Runs are bounded: warm-up plus measurement seconds, then it stops by itself.
 */
public final class FanoutLoad {

    private FanoutLoad() {
    }

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
            run(parse(args));
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

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<ServerWebSocket> upstreams = new CopyOnWriteArrayList<>();
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

        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/realtime/transcription_sessions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("create failed: " + r.statusCode() + " " + r.body());
            }
            String body = r.body();
            int at = body.indexOf("\"id\":\"") + 6;
            ids.add(body.substring(at, body.indexOf('"', at)));
        }
        while (upstreams.size() < sessions) {
            Thread.sleep(50); // waiting for the gateway to open its upstreams; bounded by the loop below
        }

        long capacity = (long) sessions * subs * rate * (seconds + warmup) * 2 + 1000;
        long[] latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, capacity)];
        AtomicInteger latencyCount = new AtomicInteger();
        AtomicLong delivered = new AtomicLong();
        long[] window = new long[2]; // measurement start/end in nanos
        URI base = URI.create(gateway);
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
                .setMaxConnections(sessions * subs + 16));
        List<CompletableFuture<WebSocket>> opens = new ArrayList<>();
        for (String id : ids) {
            for (int j = 0; j < subs; j++) {
                opens.add(client.connect(new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                        .setURI("/v1/sessions/" + id + "/events")).toCompletionStage().toCompletableFuture());
            }
        }
        List<WebSocket> sockets = new ArrayList<>();
        for (CompletableFuture<WebSocket> f : opens) {
            WebSocket ws = f.get(30, TimeUnit.SECONDS);
            sockets.add(ws);
            ws.textMessageHandler(t -> {
                int at = t.indexOf("\"event_b");
                if (at < 0) {
                    return;
                }
                long now = System.nanoTime();
                long sent = Long.parseLong(t, at + 8, t.indexOf('"', at + 8), 10);
                if (window[0] != 0 && sent >= window[0] && sent < window[1]) {
                    delivered.incrementAndGet();
                    int k = latencyCount.getAndIncrement();
                    if (k < latencies.length) {
                        latencies[k] = now - sent;
                    }
                }
            });
        }
        Thread.sleep(1000); // subscriptions registered server-side before the first frame

        long periodMs = Math.max(1, 1000 / rate);
        AtomicLong sentFrames = new AtomicLong();
        List<Long> timers = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            ServerWebSocket ws = upstreams.get(i);
            String item = "load" + i;
            int[] n = { i % MIX.length };
            timers.add(vertx.setPeriodic(periodMs, t -> {
                long now = System.nanoTime();
                if (window[1] != 0 && now >= window[1]) {
                    return;
                }
                ws.writeTextMessage(String.format(MIX[n[0]++ % MIX.length], now, item));
                if (window[0] != 0 && now >= window[0]) {
                    sentFrames.incrementAndGet();
                }
            }));
        }
        System.out.printf("fan-out: %d sessions x %d subscribers, %d events/s per session, %d s after %d s warm-up%n",
                sessions, subs, rate, seconds, warmup);
        Thread.sleep(warmup * 1000L);
        long begin = System.nanoTime();
        window[1] = begin + seconds * 1_000_000_000L;
        window[0] = begin;
        Thread.sleep(seconds * 1000L + 2000L); // two extra seconds to drain
        timers.forEach(vertx::cancelTimer);

        long expected = sentFrames.get() * subs;
        int n = Math.min(latencyCount.get(), latencies.length);
        long[] l = Arrays.copyOf(latencies, n);
        Arrays.sort(l);
        System.out.printf("  delivered %,d of %,d expected (%.2f%%), %,.0f events/s delivered%n", delivered.get(),
                expected, 100.0 * delivered.get() / Math.max(1, expected), delivered.get() / (double) seconds);
        System.out.printf("  latency upstream send -> subscriber receive: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                pct(l, 0.50), pct(l, 0.99), pct(l, 0.999), n == 0 ? 0 : l[n - 1] / 1e6);
        for (String id : ids) {
            http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/sessions/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        sockets.forEach(WebSocket::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String s : args) {
            if (s.startsWith("--") && s.contains("=")) {
                m.put(s.substring(2, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            }
        }
        return m;
    }
}
