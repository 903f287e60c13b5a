package realtime.gateway.auth;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionOwner;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.TranscriptionConfig;

/**
 * The account of every key, and the one way a caller creates a session: the key's create and audio quotas
 * are checked here, its concurrent-session limit in the registry, and the session is charged to its account.
 */
@ApplicationScoped
public class Accounts {

    private final SessionRegistry registry;
    private final long retentionMs;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    public Accounts(SessionRegistry registry, GatewayConfig config) {
        this.registry = registry;
        this.retentionMs = config.auth().usageRetention().toMillis();
    }

    /** Usage the store kept from before this process started, by key name, until each key's account is made. */
    private final Map<String, java.util.List<Account.Minute>> restored = new ConcurrentHashMap<>();

    public Account of(ApiKey key) {
        return accounts.computeIfAbsent(key.name(), n -> {
            Account a = new Account(key, System::currentTimeMillis, retentionMs);
            java.util.List<Account.Minute> kept = restored.remove(n);
            if (kept != null) {
                a.restore(kept);
            }
            return a;
        });
    }

    /** Stored usage by key name (at start): each key's account starts from it. */
    public void restore(Map<String, java.util.List<Account.Minute>> byKey) {
        restored.putAll(byKey);
    }

    /** Every account's minutes changed since the last call, by key name. */
    public Map<String, java.util.List<Account.Minute>> takeChanged() {
        Map<String, java.util.List<Account.Minute>> out = new java.util.HashMap<>();
        accounts.forEach((name, a) -> {
            var changed = a.takeChanged();
            if (!changed.isEmpty()) {
                out.put(name, changed);
            }
        });
        return out;
    }

    /**
     * Creates a session owned by {@code key}.
     *
     * @throws Refusal.Rejected when one of the key's quotas refuses it, or the gateway is full; the stage fails
     *         with it when the upstream refuses the session
     */
    public CompletionStage<SessionRegistry.Created> createSession(ApiKey key, TranscriptionConfig config,
            Duration secretTtl) {
        Account account = of(key);
        account.admitCreate().ifPresent(q -> {
            throw new Refusal.Rejected(q);
        });
        SessionRegistry.Created created;
        try {
            created = registry.create(config, secretTtl,
                    new SessionOwner(key.name(), key.quota().maxSessions(), key.quota().maxSessionDuration(), account));
        } catch (RuntimeException e) {
            account.refundCreate();
            throw e;
        }
        // A session the upstream refused was never the caller's: it does not count against the create rate.
        return registry.confirmed(created).whenComplete((c, e) -> {
            if (e != null) {
                account.refundCreate();
            }
        });
    }
}
