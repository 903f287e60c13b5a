package realtime.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import io.restassured.RestAssured;

/**
 * The packaged jar as a child process on a free loopback port, with the test keys and the given environment;
 * RestAssured points at it once it is ready. For ITs that need to kill, restart or configure it themselves.
 */
public final class GatewayJar implements AutoCloseable {

    private final Process process;
    public final int port;
    /** The management port: {@code /q/health/*}, {@code /q/metrics}. */
    public final int managementPort;
    public final Path log;
    /** How long it took from start to a ready {@code /q/health/ready}, in ms. */
    public final long readyMs;

    private GatewayJar(Process process, int port, int managementPort, Path log, long readyMs) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
        this.readyMs = readyMs;
    }

    /** Starts the jar; {@code env} entries with a null value are removed from the inherited environment. */
    public static GatewayJar start(Map<String, String> env) throws IOException {
        int port;
        int management;
        try (ServerSocket s = new ServerSocket(0); ServerSocket m = new ServerSocket(0)) {
            port = s.getLocalPort();
            management = m.getLocalPort();
        }
        Path log = Files.createTempFile("gateway-jar", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        pb.environment().put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        pb.environment().put("GATEWAY_AUTH_KEYS", TestKeys.spec());
        // Plain lines, which the tests read (" ERROR " and the like); JsonLogsIT checks the production JSON.
        pb.environment().put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        long t0 = System.nanoTime();
        Process p = pb.start();
        RestAssured.port = port;
        Api.managementPort = management;
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> Api.management().get("/q/health/ready").statusCode() == 200);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw new AssertionError("the gateway did not become ready:\n" + Files.readString(log), e);
        }
        return new GatewayJar(p, port, management, log, (System.nanoTime() - t0) / 1_000_000);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The process, for a test that signals it (SIGTERM: {@code process().toHandle().destroy()}) or awaits its exit. */
    public Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook, no drain, no last write. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the gateway did not die");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
