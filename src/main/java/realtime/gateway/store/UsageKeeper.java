package realtime.gateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import realtime.gateway.auth.Account;
import realtime.gateway.auth.Accounts;
import realtime.gateway.config.GatewayConfig;

/**
 * Keeps each key's usage per minute (what {@code GET /v1/usage} reports and the rolling audio quota counts)
 * in the store: the minutes changed are written every second and at shutdown; at start the accounts are
 * given back what the store kept, within {@code gateway.auth.usage-retention}.
 */
@ApplicationScoped
public class UsageKeeper {

    private static final long FLUSH_MS = 1000;

    private final Store store;
    private final Accounts accounts;
    private final long retentionMs;
    private final long retentionCheckMs;

    public UsageKeeper(Store store, Accounts accounts, GatewayConfig config) {
        this.store = store;
        this.accounts = accounts;
        this.retentionMs = config.auth().usageRetention().toMillis();
        this.retentionCheckMs = config.store().retentionCheck().toMillis();
    }

    /** Before the store opens: its writer flushes the accounts' changed minutes. */
    void register(@Observes @Priority(5) StartupEvent ev) {
        store.every(new StoreWriter.Periodic() {
            @Override
            public long intervalMs() {
                return FLUSH_MS;
            }

            @Override
            public void run(Connection c, long now) throws SQLException {
                for (Map.Entry<String, List<Account.Minute>> e : accounts.takeChanged().entrySet()) {
                    for (Account.Minute m : e.getValue()) {
                        Tables.saveUsage(c, e.getKey(), m);
                    }
                }
            }

            @Override
            public boolean atStop() {
                return true;
            }
        });
        store.every(new StoreWriter.Periodic() {
            @Override
            public long intervalMs() {
                return retentionCheckMs;
            }

            @Override
            public void run(Connection c, long now) throws SQLException {
                Tables.expireUsage(c, (now - retentionMs) / 60_000);
            }
        });
    }

    /** Once the store is open, before requests: the accounts start from what was kept. */
    void restore(@Observes @Priority(20) StartupEvent ev) throws InterruptedException, ExecutionException {
        long from = (System.currentTimeMillis() - retentionMs) / 60_000;
        accounts.restore(store.read(c -> Tables.usage(c, from), Map.<String, List<Account.Minute>>of())
                .toCompletableFuture().get());
    }
}
