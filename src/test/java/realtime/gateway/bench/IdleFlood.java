package realtime.gateway.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12's flood: {@code --connections} idle TCP connections opened against a running gateway as fast as one
 * thread can, none of which ever sends a byte, while a second thread probes {@code /q/health/live} on
 * {@code --health-port} (the management port, or the API port of a build from before it) every 50 ms. Prints:
 * connections the gateway held (the rest it closed at once, past {@code quarkus.http.limits.max-connections}), the gateway's open descriptors and RSS at the peak, the time from
 * the last connect until the gateway had closed every held one (its idle timeout), and the health probes' p50/p99/max
 * and failures. Connections the gateway closes are closed here too, so this process's own descriptors stay below
 * its limit. Usage: IdleFlood --port=P --health-port=M --pid=PID [--connections=25000] [--max-wait=120]
 */
public final class IdleFlood {

    public static void main(String[] args) throws Exception {
        int port = 0;
        int management = 0;
        long pid = 0;
        int connections = 25_000;
        int maxWait = 120;
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--port=")) {
                port = Integer.parseInt(v);
            } else if (a.startsWith("--health-port=")) {
                management = Integer.parseInt(v);
            } else if (a.startsWith("--pid=")) {
                pid = Long.parseLong(v);
            } else if (a.startsWith("--connections=")) {
                connections = Integer.parseInt(v);
            } else if (a.startsWith("--max-wait=")) {
                maxWait = Integer.parseInt(v);
            }
        }
        List<Long> probes = new ArrayList<>();
        int[] failures = {0};
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/q/health/live"))
                .timeout(Duration.ofSeconds(2)).build();
        // One probe 50 ms after the last answer, as a kubelet's period would space them.
        ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
        prober.scheduleWithFixedDelay(() -> {
            long t0 = System.nanoTime();
            try {
                int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                synchronized (probes) {
                    probes.add(System.nanoTime() - t0);
                    failures[0] += status == 200 ? 0 : 1;
                }
            } catch (IOException | InterruptedException e) {
                synchronized (probes) {
                    failures[0]++;
                }
            }
        }, 0, 50, TimeUnit.MILLISECONDS);

        Selector selector = Selector.open();
        ByteBuffer sink = ByteBuffer.allocate(256);
        int held = 0;
        int refused = 0;
        int peakFds = 0;
        long peakRss = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(true);
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
                held++;
            } catch (IOException e) {
                refused++;
            }
            if (i % 500 == 499) {
                held -= reap(selector, sink);
                peakFds = Math.max(peakFds, fds(pid));
                peakRss = Math.max(peakRss, rssKb(pid));
            }
        }
        long lastConnect = System.nanoTime();
        held -= reap(selector, sink);
        int heldAfterFlood = selector.keys().size();
        peakFds = Math.max(peakFds, fds(pid));
        peakRss = Math.max(peakRss, rssKb(pid));
        // Wait until the gateway has closed every connection it held (its idle timeout), bounded.
        long deadline = lastConnect + maxWait * 1_000_000_000L;
        while (!selector.keys().isEmpty() && System.nanoTime() < deadline) {
            selector.select(500);
            reap(selector, sink);
        }
        long reapedMs = (System.nanoTime() - lastConnect) / 1_000_000;
        boolean allReaped = selector.keys().isEmpty();
        prober.shutdown();
        prober.awaitTermination(5, TimeUnit.SECONDS);
        long[] p;
        synchronized (probes) {
            p = probes.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        System.out.printf("idle flood: %d connections opened in %.1f s; the gateway held %d and closed the rest at once "
                + "(%d refused at connect)%n", connections, (lastConnect - t0) / 1e9, heldAfterFlood, refused);
        System.out.printf("gateway at the peak: %d open descriptors, RSS %d MiB%n", peakFds, peakRss / 1024);
        System.out.printf("held connections %s %.1f s after the last connect%n",
                allReaped ? "all closed by the gateway" : "NOT all closed (" + selector.keys().size() + " left)",
                reapedMs / 1000.0);
        System.out.printf("health probes on port %d: %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failed%n", management,
                p.length, pct(p, 50), pct(p, 99), p.length == 0 ? 0 : p[p.length - 1] / 1e6, failures[0]);
        for (SelectionKey k : selector.keys()) {
            k.channel().close();
        }
        if (!allReaped || failures[0] > 0) {
            System.exit(1);
        }
    }

    /** Closes the channels the gateway has closed; returns how many. */
    private static int reap(Selector selector, ByteBuffer sink) throws IOException {
        selector.selectNow();
        int closed = 0;
        for (SelectionKey k : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) k.channel();
            sink.clear();
            int n;
            try {
                n = ch.read(sink);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                k.cancel();
                ch.close();
                closed++;
            }
        }
        selector.selectedKeys().clear();
        selector.selectNow(); // flush cancelled keys
        return closed;
    }

    private static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }

    private static int fds(long pid) {
        String[] list = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
        return list == null ? 0 : list.length;
    }

    private static long rssKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(
                            Arrays.stream(l.split("\\s+")).filter(s -> s.matches("\\d+")).findFirst().orElse("0")))
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
