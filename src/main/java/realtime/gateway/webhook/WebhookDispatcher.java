package realtime.gateway.webhook;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.store.Deliveries;
import realtime.gateway.store.Outbox;
import realtime.gateway.store.Store;

/**
 * Sends the outbox: every {@code gateway.webhooks.poll} it takes the due deliveries (up to
 * {@code concurrency} in flight), POSTs each signed, and records the outcome; a failed attempt is retried after
 * {@code initial-backoff} doubling to {@code max-backoff}, each with ±50% jitter, until {@code max-age} has
 * passed since it was created, when it is shown {@code failed} (POST …/retry sends it again). Delivery is at
 * least once: a receiver deduplicates by {@code webhook-id}.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final GatewayConfig.Webhooks config;
    private final Deliveries deliveries;
    private final Vertx vertx;
    private final MeterRegistry meters;
    private final Signer signer;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean polling = new AtomicBoolean();
    private HttpClient client;
    private long timer = -1;

    public WebhookDispatcher(GatewayConfig config, Store store, Deliveries deliveries, Vertx vertx,
            MeterRegistry meters) {
        this.deliveries = deliveries;
        this.config = config.webhooks();
        this.vertx = vertx;
        this.meters = meters;
        if (this.config.url().isPresent()) {
            String scheme = this.config.url().get().getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("gateway.webhooks.url must be an http or https URL");
            }
        }
        if (store.webhooks()) {
            this.signer = new Signer(this.config.secret().orElseThrow(() -> new IllegalArgumentException(
                    "a webhook url is set (gateway.webhooks.url or a key's webhook-url) but gateway.webhooks.secret is "
                            + "not: set GATEWAY_WEBHOOKS_SECRET=whsec_<base64 of 24-64 random bytes>, the secret "
                            + "receivers verify signatures with")));
        } else {
            this.signer = null;
        }
    }

    /** After the store has opened. */
    void onStart(@Observes @Priority(40) StartupEvent ev) {
        if (signer == null) {
            return;
        }
        int ms = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(ms).setIdleTimeout(ms)
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS).setMaxPoolSize(config.concurrency()));
        timer = vertx.setPeriodic(config.poll().toMillis(), t -> poll());
        LOG.infof("webhooks: %s to %s", String.join(", ", config.events()),
                config.url().map(WebhookDispatcher::host).orElse("the keys' own webhook-url"));
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (client != null) {
            client.close();
        }
    }

    private static String host(java.net.URI url) {
        return url.getScheme() + "://" + url.getAuthority(); // never the path or query: they may hold a token
    }

    private void poll() {
        int room = config.concurrency() - inFlight.size();
        if (room <= 0 || !polling.compareAndSet(false, true)) {
            return;
        }
        deliveries.due(room + inFlight.size()).whenComplete((due, err) -> {
            polling.set(false);
            if (err != null) {
                LOG.debugf("webhooks: the outbox could not be read: %s", err.getMessage());
                return;
            }
            for (Outbox.Delivery d : due) {
                if (inFlight.size() < config.concurrency() && inFlight.add(d.id())) {
                    send(d);
                }
            }
        });
    }

    private void send(Outbox.Delivery d) {
        long ts = System.currentTimeMillis() / 1000;
        RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(d.url())
                .putHeader("content-type", "application/json").putHeader("user-agent", "realtime-gateway-webhooks")
                .putHeader("webhook-id", d.id()).putHeader("webhook-timestamp", Long.toString(ts))
                .putHeader("webhook-signature", signer.sign(d.id(), ts, d.payload()))
                .setIdleTimeout(config.timeout().toMillis());
        client.request(req).compose(r -> r.send(d.payload())).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    int status = ar.succeeded() ? ar.result() : 0;
                    boolean ok = status >= 200 && status < 300;
                    String error = ok ? null : ar.succeeded() ? "HTTP " + status
                            : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
                    Long next = ok ? null : next(d);
                    meters.counter("gateway.webhooks.attempts", "event", d.eventType(),
                            "outcome", ok ? "delivered" : next == null ? "failed" : "retry").increment();
                    if (!ok && next == null) {
                        LOG.warnf("webhooks: %s (%s) given up after %d attempts: %s", d.id(), d.eventType(),
                                d.attempts() + 1, error);
                    } else if (!ok) {
                        LOG.debugf("webhooks: %s attempt %d failed (%s); next in %d ms", d.id(), d.attempts() + 1, error,
                                next - System.currentTimeMillis());
                    }
                    deliveries.attempted(d.id(), ok, error, next).whenComplete((v, e) -> inFlight.remove(d.id()));
                });
    }

    /** When to try again after attempt {@code d.attempts() + 1} failed; null once past its give-up time. */
    private Long next(Outbox.Delivery d) {
        double base = Math.min((double) config.maxBackoff().toMillis(),
                config.initialBackoff().toMillis() * Math.pow(2, Math.min(30, d.attempts())));
        long at = System.currentTimeMillis() + (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
        return at > d.giveUpAt() ? null : at;
    }
}
