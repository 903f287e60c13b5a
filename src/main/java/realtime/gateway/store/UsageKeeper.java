package realtime.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
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
import realtime.gateway.session.SessionUsage;

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
        store.every(new StoreWriter.Periodic(FLUSH_MS, true, (c, now) -> {
            for (Map.Entry<String, List<Account.Minute>> e : accounts.takeChanged().entrySet()) {
                for (Account.Minute m : e.getValue()) {
                    save(c, e.getKey(), m);
                }
            }
        }));
        store.every(new StoreWriter.Periodic(retentionCheckMs, false,
                (c, now) -> expire(c, (now - retentionMs) / 60_000)));
    }

    /** Once the store is open, before requests: the accounts start from what was kept. */
    void restore(@Observes @Priority(20) StartupEvent ev) throws InterruptedException, ExecutionException {
        long from = (System.currentTimeMillis() - retentionMs) / 60_000;
        accounts.restore(store.read(c -> usage(c, from), Map.<String, List<Account.Minute>>of())
                .toCompletableFuture().get());
    }

    // ---- SQL (gateway_usage_minutes) -------------------------------------------------------------

    static void save(Connection c, String key, Account.Minute m) throws SQLException {
        SessionUsage.Upstream u = m.usage().upstream();
        try (PreparedStatement p = c.prepareStatement("UPDATE gateway_usage_minutes SET sessions = ?, audio_ms = ?, "
                + "transcriptions = ?, input_tokens = ?, output_tokens = ?, total_tokens = ?, input_audio_tokens = ?, "
                + "input_text_tokens = ?, duration_seconds = ? WHERE key_name = ? AND minute_no = ?")) {
            usageColumns(p, key, m, u);
            if (p.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO gateway_usage_minutes (sessions, audio_ms, "
                + "transcriptions, input_tokens, output_tokens, total_tokens, input_audio_tokens, input_text_tokens, "
                + "duration_seconds, key_name, minute_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            usageColumns(p, key, m, u);
            p.executeUpdate();
        }
    }

    private static void usageColumns(PreparedStatement p, String key, Account.Minute m, SessionUsage.Upstream u)
            throws SQLException {
        p.setLong(1, m.sessions());
        p.setDouble(2, m.usage().audioSeconds() * 1000);
        p.setLong(3, u.transcriptions());
        p.setLong(4, u.inputTokens());
        p.setLong(5, u.outputTokens());
        p.setLong(6, u.totalTokens());
        p.setLong(7, u.inputAudioTokens());
        p.setLong(8, u.inputTextTokens());
        p.setDouble(9, u.durationSeconds());
        p.setString(10, key);
        p.setLong(11, m.minute());
    }

    /** Every key's minutes from {@code fromMinute} on. */
    static Map<String, List<Account.Minute>> usage(Connection c, long fromMinute) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT key_name, minute_no, sessions, audio_ms, transcriptions, "
                + "input_tokens, output_tokens, total_tokens, input_audio_tokens, input_text_tokens, duration_seconds "
                + "FROM gateway_usage_minutes WHERE minute_no >= ?")) {
            q.setLong(1, fromMinute);
            Map<String, List<Account.Minute>> out = new HashMap<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new Account.Minute(r.getLong(2),
                            r.getLong(3), new SessionUsage(r.getDouble(4) / 1000, new SessionUsage.Upstream(r.getLong(5),
                                    r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9), r.getLong(10),
                                    r.getDouble(11)))));
                }
            }
            return out;
        }
    }

    static int expire(Connection c, long beforeMinute) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM gateway_usage_minutes WHERE minute_no < ?")) {
            d.setLong(1, beforeMinute);
            return d.executeUpdate();
        }
    }
}
