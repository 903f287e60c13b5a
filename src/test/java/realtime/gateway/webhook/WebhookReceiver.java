package realtime.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A webhook receiver on a free loopback port that checks each request as the Standard Webhooks specification
 * says a receiver must (signature over id.timestamp.body with the secret's bytes, timestamp within 5 minutes),
 * written from the specification independently of the gateway's signer; it can refuse the first attempts.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A verified delivery. */
    public record Received(String id, long timestamp, String body, int attempt, String path) {
    }

    public static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "test-webhook-secret-not-real-0123456789".getBytes(StandardCharsets.US_ASCII));

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    public final List<Received> received = new CopyOnWriteArrayList<>();
    public final List<String> rejected = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private volatile int failFirst;
    private volatile boolean failAlways;

    public WebhookReceiver() throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
            String id = req.getHeader("webhook-id");
            String ts = req.getHeader("webhook-timestamp");
            String sig = req.getHeader("webhook-signature");
            String body = buf.toString(StandardCharsets.UTF_8);
            String why = verify(id, ts, sig, body);
            if (why != null) {
                rejected.add(why);
                req.response().setStatusCode(400).end(why);
                return;
            }
            int n = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (failAlways || n <= failFirst) {
                req.response().setStatusCode(503).end("not now");
                return;
            }
            received.add(new Received(id, Long.parseLong(ts), body, n, req.path()));
            req.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String verify(String id, String ts, String signatures, String body) {
        if (id == null || ts == null || signatures == null) {
            return "missing webhook-id, webhook-timestamp or webhook-signature";
        }
        long t = Long.parseLong(ts);
        if (Math.abs(System.currentTimeMillis() / 1000 - t) > 300) {
            return "timestamp outside tolerance";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String s : signatures.split(" ")) {
                if (s.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(s.substring(3)))) {
                    return null;
                }
            }
            return "no valid signature";
        } catch (Exception e) {
            return "verification failed: " + e;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/hooks/gateway";
    }

    /** Refuses (503) the first {@code n} attempts of every delivery. */
    public void failFirst(int n) {
        failFirst = n;
    }

    public void failAlways(boolean fail) {
        failAlways = fail;
    }

    public void reset() {
        received.clear();
        rejected.clear();
        attempts.clear();
        failFirst = 0;
        failAlways = false;
    }

    @Override
    public void close() {
        vertx.close();
    }
}
