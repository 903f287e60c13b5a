package realtime.gateway.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import realtime.gateway.config.GatewayConfig;

/**
 * The webhook outbox as the dispatcher and the API see it: due deliveries, their progress, and sending one
 * again. Reads run on worker threads, writes through the store's writer, in its order.
 */
@ApplicationScoped
public class Deliveries {

    private final Store store;
    private final long maxAgeMs;

    public Deliveries(Store store, GatewayConfig config) {
        this.store = store;
        this.maxAgeMs = config.webhooks().maxAge().toMillis();
    }

    /** Pending deliveries due now, oldest first. */
    public CompletionStage<List<Outbox.Delivery>> due(int limit) {
        return store.read(c -> Outbox.due(c, System.currentTimeMillis(), limit), List.of());
    }

    /** Records an attempt; completes once committed. {@code next} null with a failure: given up. */
    public CompletionStage<Void> attempted(String id, boolean ok, String error, Long next) {
        return store.write((c, now) -> Outbox.attempted(c, id, ok, error, next, now));
    }

    /** Newest first, of {@code owner} (null: all) and {@code status} (null: any). */
    public CompletionStage<List<Outbox.Delivery>> list(String owner, String status, int limit) {
        return store.read(c -> Outbox.list(c, owner, status, limit), List.of());
    }

    public CompletionStage<Optional<Outbox.Delivery>> get(String id) {
        return store.read(c -> Outbox.get(c, id), Optional.empty());
    }

    /** Pending again now, with a fresh gateway.webhooks.max-age; completes with false when there is no such delivery. */
    public CompletionStage<Boolean> retry(String id) {
        boolean[] found = new boolean[1];
        return store.write((c, now) -> found[0] = Outbox.retry(c, id, now, maxAgeMs)).thenApply(v -> found[0]);
    }
}
