package realtime.gateway.store;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import realtime.gateway.event.Details;
import realtime.gateway.session.SessionSnapshot;
import realtime.gateway.session.SessionUsage;
import realtime.gateway.session.Transcript;

/**
 * What persistence costs, on the gateway's own writer and SQL, against the embedded H2 file database and a
 * real PostgreSQL side by side: {@code turns} completed turns handed over at {@code rate} a second (each with
 * its session's snapshot, as a session does), then the writer's CPU per turn, commit time and the delay from
 * hand-over to commit (what a kill -9 could lose). With {@code --restart=N} it instead times the packaged jar's
 * start to ready on an empty database and on one holding N closed sessions of 5 turns and N sessions a dead node
 * left open (which the start marks failed). Run through {@code bench/store.sh}.
 */
public final class StoreBench {

    static final long SNAPSHOT_MS = Long.getLong("snapshot-ms", 0);

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        if (a.containsKey("restart")) {
            restart(Integer.parseInt(a.get("restart")));
            return;
        }
        int turns = Integer.parseInt(a.getOrDefault("turns", "20000"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "2000"));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("store-bench");
        System.out.printf("store write cost: %d turns of 100 sessions handed over at %d/s, each with its session's snapshot%n", turns, rate);
        // A warm-up on a database of its own first, so neither measured run pays for the JIT.
        run("warm-up", h2("./" + java.nio.file.Path.of("").toAbsolutePath().relativize(dir) + "/warmup"),
                Math.min(turns, 3000), Math.max(rate, 1000));
        run("embedded", h2("./" + java.nio.file.Path.of("").toAbsolutePath().relativize(dir) + "/gateway"), turns, rate);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            run("postgresql", postgres(pg), turns, rate);
        }
    }

    static DataSource h2(String path) {
        return pooled("jdbc:h2:file:" + path + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY="
                + System.getProperty("h2.writeDelay", "0") + System.getProperty("h2.extra", ""), "gateway", "");
    }

    /** Agroal, the pool Quarkus gives the gateway: connections are reused, as in the service. */
    static DataSource pooled(String url, String user, String password) {
        try {
            return io.agroal.api.AgroalDataSource.from(new io.agroal.api.configuration.supplier
                    .AgroalDataSourceConfigurationSupplier().connectionPoolConfiguration(cp -> cp.maxSize(4)
                            .connectionFactoryConfiguration(cf -> cf.jdbcUrl(url)
                                    .principal(new io.agroal.api.security.NamePrincipal(user))
                                    .credential(new io.agroal.api.security.SimplePassword(password)))));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void close(DataSource ds) throws Exception {
        if (ds instanceof AutoCloseable c) {
            c.close();
        }
    }

    static DataSource postgres(EmbeddedPostgres pg) {
        return pooled("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "postgres");
    }

    static void migrate(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    }

    static SessionSnapshot snapshot(String id, String state, Long closedAt, long createdAt) {
        return new SessionSnapshot(id, "gateway.session", state, state.equals("active") ? "upstream connected" : "closed",
                null, "openai", createdAt, closedAt, null,
                new SessionSnapshot.Counters(480_000, 10_000, 120, Map.of("conversation.item.input_audio_transcription.delta",
                        90L, "conversation.item.input_audio_transcription.completed", 5L), 2, 3, 1),
                "bench", new SessionUsage(10, new SessionUsage.Upstream(5, 500, 60, 560, 500, 0, 0)),
                new SessionSnapshot.Upstream("sess_upstream", 0, 0, 0, 0, 0));
    }

    static Transcript.Row row(int i, String previous) {
        return new Transcript.Row("item_" + i, "item_" + i, previous, 0, i, (long) i * 2000, (long) i * 2000 + 1500,
                "Please move the follow-up appointment to Thursday at ten, and send the confirmation.", false,
                new Details.TranscriptionUsage("tokens", 100L, 12L, 112L, null, null), null, false);
    }

    static void run(String name, DataSource ds, int turns, int rate) throws Exception {
        migrate(ds);
        ConcurrentLinkedQueue<long[]> commits = new ConcurrentLinkedQueue<>();
        StoreWriter w = new StoreWriter(ds, System::currentTimeMillis, 1_000_000, List.of(),
                (commit, oldest, works) -> commits.add(new long[] { commit, oldest, works }));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        w.start();
        Thread writer = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("store-writer"))
                .findFirst().orElseThrow();
        long cpu0 = mx.getThreadCpuTime(writer.getId());
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        long process0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long created = System.currentTimeMillis();
        int sessions = 100;
        long[] lastSnapshot = new long[sessions];
        for (int i = 0; i < turns; i++) {
            long due = t0 + (long) i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            String id = "sess_bench_" + name + "_" + (i % sessions);
            Transcript.Row r = row(i, null);
            w.submit((c, now) -> Tables.saveTurn(c, id, r, now));
            // As a session does: its snapshot with each turn (-Dsnapshot-ms=N: at most every N ms, for comparison).
            long now = System.currentTimeMillis();
            if (now - lastSnapshot[i % sessions] >= SNAPSHOT_MS) {
                lastSnapshot[i % sessions] = now;
                SessionSnapshot s = snapshot(id, "active", null, created);
                w.submit(new StoreWriter.Work() {
                    @Override
                    public void run(Connection c, long at) throws java.sql.SQLException {
                        Tables.saveSession(c, s, "bench", at);
                    }

                    @Override
                    public String coalesceKey() {
                        return id;
                    }
                });
            }
        }
        CompletableFuture<Void> last = w.submitAwaited((c, now) -> {
        });
        last.get(5, TimeUnit.MINUTES);
        long elapsed = System.nanoTime() - t0;
        long cpu = mx.getThreadCpuTime(writer.getId()) - cpu0;
        long process = os.getProcessCpuTime() - process0;
        w.stop(10_000);
        close(ds);
        long[] commit = commits.stream().mapToLong(x -> x[0]).sorted().toArray();
        long[] delay = commits.stream().mapToLong(x -> x[1]).sorted().toArray();
        double perBatch = commits.stream().mapToLong(x -> x[2]).average().orElse(0);
        System.out.printf("%-10s %d turns in %.1f s: CPU per turn %.1f µs on the writer, %.1f µs in the process (with GC, "
                + "the database's own threads and handing over); %d commits of %.1f records on average; "
                + "commit p50 %.2f ms p99 %.2f ms; hand-over to commit p50 %.2f ms p99 %.2f ms max %.2f ms%n", name, turns,
                elapsed / 1e9, cpu / 1e3 / turns, process / 1e3 / turns, commit.length, perBatch, pct(commit, 50), pct(commit, 99),
                pct(delay, 50), pct(delay, 99), delay.length == 0 ? 0 : delay[delay.length - 1] / 1e6);
        System.out.printf("RESULT store target=%s turns=%d cpu_us_per_turn=%.1f process_cpu_us_per_turn=%.1f commit_p50_ms=%.2f commit_p99_ms=%.2f "
                + "delay_p50_ms=%.2f delay_p99_ms=%.2f delay_max_ms=%.2f%n", name, turns, cpu / 1e3 / turns,
                process / 1e3 / turns,
                pct(commit, 50), pct(commit, 99), pct(delay, 50), pct(delay, 99),
                delay.length == 0 ? 0 : delay[delay.length - 1] / 1e6);
    }

    static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }

    /** Start to ready of the packaged jar, empty and with {@code n} stored sessions, on both databases. */
    static void restart(int n) throws Exception {
        System.out.printf("restart: the packaged jar's start to ready, empty and with %d stored sessions (5 turns each) "
                + "plus %d left open by a dead node%n", n, n);
        for (String kind : List.of("embedded", "postgresql")) {
            for (boolean seeded : new boolean[] { false, true }) {
                EmbeddedPostgres pg = kind.equals("postgresql") ? EmbeddedPostgres.builder().start() : null;
                try {
                    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"),
                            "store-bench");
                    String path = "./" + dir.toString().replace('\\', '/');
                    DataSource ds = pg != null ? postgres(pg) : h2(path + "/gateway");
                    migrate(ds);
                    if (seeded) {
                        seed(ds, n, true);
                    }
                    close(ds); // the embedded database file is locked while a connection is open
                    Map<String, String> env = new java.util.HashMap<>();
                    env.put("GATEWAY_STORE_PATH", path);
                    env.put("GATEWAY_STORE_NODE", "bench-new");
                    env.put("GATEWAY_UPSTREAM_PROVIDER", "openai");
                    env.put("OPENAI_API_KEY", "bench-not-a-key");
                    if (pg != null) {
                        env.putAll(EmbeddedPostgresResource.config(pg).entrySet().stream().collect(
                                java.util.stream.Collectors.toMap(e -> e.getKey().toUpperCase().replace('.', '_'),
                                        Map.Entry::getValue)));
                    }
                    long ready;
                    try (realtime.gateway.testing.GatewayJar jar = realtime.gateway.testing.GatewayJar.start(env)) {
                        ready = jar.readyMs;
                        long t = System.nanoTime();
                        io.restassured.RestAssured.given().header("Authorization", "Bearer "
                                + realtime.gateway.testing.TestKeys.ADMIN).get("/v1/sessions?limit=100").then()
                                .statusCode(200);
                        System.out.printf("%-10s %-8s ready in %5d ms; first page of 100 sessions in %.1f ms%n", kind,
                                seeded ? n + "+" + n : "empty", ready, (System.nanoTime() - t) / 1e6);
                        System.out.printf("RESULT restart target=%s sessions=%d ready_ms=%d%n", kind, seeded ? 2 * n : 0,
                                ready);
                    }
                } finally {
                    if (pg != null) {
                        pg.close();
                    }
                }
            }
        }
    }

    /** N closed sessions of 5 turns each, and N open ones on node "bench-dead" (silent for an hour) when {@code open}. */
    static void seed(DataSource ds, int n, boolean open) throws Exception {
        long now = System.currentTimeMillis();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                String id = "sess_seed_" + i;
                Tables.saveSession(c, snapshot(id, "closed", now - 1000, now - 60_000 - i), "bench-old", now);
                String prev = null;
                for (int k = 0; k < 5; k++) {
                    Tables.saveTurn(c, id, row(k, prev), now);
                    prev = "item_" + k;
                }
                if (open) {
                    Tables.saveSession(c, snapshot("sess_open_" + i, "active", null, now - i), "bench-dead", now);
                }
                if (i % 1000 == 999) {
                    c.commit();
                }
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO gateway_nodes (id, started_at, heartbeat_at) VALUES ('bench-dead', ?, ?)")) {
                p.setLong(1, now - 3_600_000);
                p.setLong(2, now - 3_600_000);
                p.executeUpdate();
            }
            c.commit();
        }

    }

}
