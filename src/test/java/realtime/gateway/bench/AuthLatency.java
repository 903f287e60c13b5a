package realtime.gateway.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import realtime.gateway.upstream.FakeRealtimeServer;

/**
 * The cost of authentication on the request path: two gateways from the same jar run side by side, one
 * with a client API key configured, one with {@code gateway.auth.enabled=false}, both on the fake upstream.
 * Requests alternate between them, so noise hits both alike. Measured: a REST call
 * ({@code GET /v1/sessions/{id}}), a WebSocket upgrade on the plain events route and on the websockets-next
 * audio endpoint; with a key (Bearer, including the tenancy check) and with a scoped token ({@code ?token=}).
 * Each process gets the same number of requests per round (a busier process answers faster: its event
 * loop is not parked), and {@code --control=true} runs two unauthenticated gateways as an A/A check.
 * Prints one line per case and the added p50/p99. Usage (bench/auth.sh runs it):
 * {@code AuthLatency --jar=target/quarkus-app/quarkus-run.jar [--rest=3000] [--upgrades=1000] [--warmup=500] [--passes=2]}
 */
public final class AuthLatency {

    private static final String KEY = "bench-auth-latency-key-" + Long.toHexString(System.nanoTime())
            + "-000000000000";

    private record Target(String name, int port, Process process) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String a : args) {
            opt.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        String jar = opt.getOrDefault("jar", "target/quarkus-app/quarkus-run.jar");
        int rest = Integer.parseInt(opt.getOrDefault("rest", "3000"));
        int upgrades = Integer.parseInt(opt.getOrDefault("upgrades", "1000"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "500"));
        int passes = Integer.parseInt(opt.getOrDefault("passes", "2"));
        // --control=true: both gateways without auth (an A/A run), to see how far two identical processes differ.
        boolean control = Boolean.parseBoolean(opt.getOrDefault("control", "false"));
        // The work auth adds per request, in process: one SHA-256 of a presented credential (then map lookups).
        int reps = 200_000;
        long h0 = System.nanoTime();
        int sink = 0;
        for (int i = 0; i < reps; i++) {
            sink += realtime.gateway.event.Hashes.sha256(KEY + (i & 7)).length();
        }
        System.out.printf("RESULT hash_ns_per_credential %.0f (sink %d)%n", (System.nanoTime() - h0) / (double) reps, sink);
        FakeRealtimeServer fake = new FakeRealtimeServer().start();
        try {
            for (int pass = 1; pass <= passes; pass++) {
                // Odd passes start the auth gateway first, even passes the open one: a difference that flips
                // sign between passes is the processes' placement, not authentication.
                System.out.println("== pass " + pass + (pass % 2 == 1 ? " (auth started first)" : " (open started first)"));
                pass(jar, fake, rest, upgrades, warmup, pass % 2 == 1, control);
            }
        } finally {
            fake.stop();
        }
    }

    private static void pass(String jar, FakeRealtimeServer fake, int rest, int upgrades, int warmup, boolean authFirst,
            boolean control) throws Exception {
        Vertx vertx = Vertx.vertx();
        List<Target> targets = new ArrayList<>();
        try {
            Map<String, String> openEnv = Map.of("GATEWAY_AUTH_ENABLED", "false");
            Map<String, String> authEnv = control ? openEnv : Map.of("GATEWAY_AUTH_KEYS",
                    "name=bench,role=client,key=" + KEY + ",creates-per-minute=100000,max-sessions=100000");
            Target auth;
            Target open;
            if (authFirst) {
                auth = start("auth", jar, fake, authEnv);
                open = start("open", jar, fake, openEnv);
            } else {
                open = start("open", jar, fake, openEnv);
                auth = start("auth", jar, fake, authEnv);
            }
            targets.add(auth);
            targets.add(open);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (Target t : targets) {
                awaitReady(http, t);
            }
            String authSession = create(http, auth, KEY);
            String openSession = create(http, open, null);
            String token = token(http, auth, authSession);
            WebSocketClient ws = vertx.createWebSocketClient();

            Map<String, long[]> results = new LinkedHashMap<>();
            Case[] cases = {
                    new Case("rest  open ", () -> get(http, open, "/v1/sessions/" + openSession, null)),
                    new Case("rest  open ", () -> get(http, open, "/v1/sessions/" + openSession, null)),
                    new Case("rest  key  ", () -> get(http, auth, "/v1/sessions/" + authSession, KEY)),
                    new Case("rest  token", () -> get(http, auth, "/v1/sessions/" + authSession + "?token=" + token, null)),
            };
            run(cases, warmup, rest, results);
            Case[] sockets = {
                    new Case("events-ws open ", () -> upgrade(ws, open, "/v1/sessions/" + openSession + "/events", null)),
                    new Case("events-ws open ", () -> upgrade(ws, open, "/v1/sessions/" + openSession + "/events", null)),
                    new Case("events-ws key  ", () -> upgrade(ws, auth, "/v1/sessions/" + authSession + "/events", KEY)),
                    new Case("events-ws token", () -> upgrade(ws, auth,
                            "/v1/sessions/" + authSession + "/events?token=" + token, null)),
                    new Case("audio-ws  open ", () -> upgrade(ws, open, "/v1/sessions/" + openSession + "/audio", null)),
                    new Case("audio-ws  key  ", () -> upgrade(ws, auth, "/v1/sessions/" + authSession + "/audio", KEY)),
            };
            run(sockets, warmup / 5, upgrades, results);

            System.out.printf("%-16s %8s %8s %8s%n", "case", "n", "p50 ms", "p99 ms");
            results.forEach((name, ns) -> System.out.printf("%-16s %8d %8.3f %8.3f%n", name, ns.length, pct(ns, 0.5),
                    pct(ns, 0.99)));
            for (String[] pair : new String[][] { { "rest  key  ", "rest  open " }, { "rest  token", "rest  open " },
                    { "events-ws key  ", "events-ws open " }, { "events-ws token", "events-ws open " },
                    { "audio-ws  key  ", "audio-ws  open " } }) {
                long[] a = results.get(pair[0]);
                long[] b = results.get(pair[1]);
                System.out.printf("RESULT added %-16s p50 %+.3f ms  p99 %+.3f ms%n", pair[0].strip(),
                        pct(a, 0.5) - pct(b, 0.5), pct(a, 0.99) - pct(b, 0.99));
            }
        } finally {
            for (Target t : targets) {
                t.process().destroy();
                t.process().waitFor(10, TimeUnit.SECONDS);
            }
            vertx.close();
        }
    }

    /** One measured request kind. */
    private record Case(String name, Call call) {
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** Runs the cases in rounds, one request each per round in a shuffled order, so they share the machine's noise. */
    private static void run(Case[] cases, int warmup, int n, Map<String, long[]> results) throws Exception {
        for (int i = 0; i < warmup; i++) {
            for (Case c : cases) {
                c.call().run();
            }
        }
        long[][] ns = new long[cases.length][n];
        java.util.Random random = new java.util.Random(42);
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < cases.length; c++) {
            order.add(c);
        }
        for (int i = 0; i < n; i++) {
            java.util.Collections.shuffle(order, random);
            for (int c : order) {
                long t0 = System.nanoTime();
                cases[c].call().run();
                ns[c][i] = System.nanoTime() - t0;
            }
        }
        // Cases listed twice (to give both processes the same request rate: a busier process answers faster)
        // are one distribution.
        for (int c = 0; c < cases.length; c++) {
            long[] merged = results.containsKey(cases[c].name()) ? concat(results.get(cases[c].name()), ns[c]) : ns[c];
            Arrays.sort(merged);
            results.put(cases[c].name(), merged);
        }
    }

    private static void get(HttpClient http, Target t, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port() + path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(t.name() + " " + path + ": " + r.statusCode());
        }
    }

    private static void upgrade(WebSocketClient client, Target t, String path, String key) throws Exception {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(t.port()).setURI(path);
        if (key != null) {
            o.addHeader("Authorization", "Bearer " + key);
        }
        WebSocket ws = client.connect(o).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String create(HttpClient http, Target t, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port()
                + "/v1/realtime/transcription_sessions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        String body = http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
        int at = body.indexOf("\"id\":\"") + 6;
        return body.substring(at, body.indexOf('"', at));
    }

    private static String token(HttpClient http, Target t, String session) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port() + "/v1/sessions/"
                + session + "/tokens")).header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"subscriber\",\"ttl_seconds\":3600}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        int at = body.indexOf("\"token\":\"") + 9;
        return body.substring(at, body.indexOf('"', at));
    }

    private static Target start(String name, String jar, FakeRealtimeServer fake, Map<String, String> env)
            throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar);
        pb.environment().remove("GATEWAY_AUTH_KEYS");
        pb.environment().putAll(env);
        pb.environment().put("OPENAI_API_KEY", FakeRealtimeServer.KEY);
        pb.environment().put("GATEWAY_UPSTREAM_URL", fake.url());
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(port + 100));
        pb.environment().put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_LOG_CATEGORY__REALTIME_GATEWAY__LEVEL", "WARN");
        pb.redirectErrorStream(true).redirectOutput(Path.of("bench", "out", "auth-" + name + ".log").toFile());
        return new Target(name, port, pb.start());
    }

    private static void awaitReady(HttpClient http, Target t) {
        org.awaitility.Awaitility.await(t.name() + " ready (see bench/out/auth-" + t.name() + ".log)")
                .atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (t.port() + 100)
                        + "/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }
}
