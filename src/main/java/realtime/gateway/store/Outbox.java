package realtime.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Ids;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Wire;
import realtime.gateway.session.SessionSnapshot;
import realtime.gateway.session.Transcript;

/**
 * The webhook outbox: deliveries written in the same transaction as the turn or session they announce, their
 * Standard Webhooks payloads ({@code {type, timestamp, data}}), and their progress.
 */
public final class Outbox {

    public static final String ITEM_COMPLETED = "transcript.item.completed";
    public static final String SESSION_CLOSED = "session.closed";
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    private static final ObjectMapper JSON = RealtimeCodec.newMapper();

    /** One delivery as {@code GET /v1/webhooks/deliveries} shows it (the payload only to the dispatcher). */
    @Wire
    @RegisterForReflection
    public record Delivery(String id, String object, String eventType, String sessionId, String owner, String url,
            String status, int attempts, long createdAt, Long nextAttemptAt, long giveUpAt, Long lastAttemptAt,
            String lastError, Long deliveredAt, @com.fasterxml.jackson.annotation.JsonIgnore String payload) {
    }

    private Outbox() {
    }

    static String itemPayload(String sessionId, String owner, Transcript.Row row, long now) {
        ObjectNode data = JSON.createObjectNode();
        data.put("session_id", sessionId);
        data.put("owner", owner);
        data.put("item_id", row.shownId());
        data.put("text", row.text());
        if (row.audioStartMs() != null) {
            data.put("audio_start_ms", row.audioStartMs());
        }
        if (row.audioEndMs() != null) {
            data.put("audio_end_ms", row.audioEndMs());
        }
        if (row.usage() != null) {
            data.set("usage", JSON.valueToTree(row.usage()));
        }
        return envelope(ITEM_COMPLETED, data, now);
    }

    static String sessionPayload(SessionSnapshot s, long now) {
        return envelope(SESSION_CLOSED, JSON.valueToTree(s), now);
    }

    private static String envelope(String type, com.fasterxml.jackson.databind.JsonNode data, long now) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", type);
        e.put("timestamp", Instant.ofEpochMilli(now).toString());
        e.set("data", data);
        return e.toString();
    }

    static void enqueue(Connection c, String type, String sessionId, String owner, String url, String payload, long now,
            long maxAgeMs) throws SQLException {
        try (PreparedStatement i = c.prepareStatement("INSERT INTO gateway_webhook_deliveries (id, event_type, owner, "
                + "session_id, url, payload, status, attempts, created_at, next_attempt_at, give_up_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)")) {
            i.setString(1, Ids.random("msg_", 24));
            i.setString(2, type);
            i.setString(3, owner);
            i.setString(4, sessionId);
            i.setString(5, url);
            i.setString(6, payload);
            i.setLong(7, now);
            i.setLong(8, now);
            i.setLong(9, now + maxAgeMs);
            i.executeUpdate();
        }
    }

    private static final String COLUMNS = "id, event_type, session_id, owner, url, status, attempts, created_at, "
            + "next_attempt_at, give_up_at, last_attempt_at, last_error, delivered_at, payload";

    /** Pending deliveries due at {@code now}, oldest first, skipping {@code busy} ones. */
    static List<Delivery> due(Connection c, long now, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM gateway_webhook_deliveries "
                + "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at")) {
            q.setMaxRows(limit);
            q.setLong(1, now);
            return read(q);
        }
    }

    static List<Delivery> list(Connection c, String owner, String status, int limit) throws SQLException {
        try (PreparedStatement q = new Filters().and(owner != null, "owner = ?", owner)
                .and(status != null, "status = ?", status)
                .prepare(c, "SELECT " + COLUMNS + " FROM gateway_webhook_deliveries", "ORDER BY created_at DESC, id DESC",
                        limit)) {
            return read(q);
        }
    }

    static Optional<Delivery> get(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM gateway_webhook_deliveries WHERE id = ?")) {
            q.setString(1, id);
            List<Delivery> r = read(q);
            return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
        }
    }

    /** Records one attempt: delivered, or failed with {@code error} and then pending until {@code next} or given up. */
    static void attempted(Connection c, String id, boolean ok, String error, Long next, long now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE gateway_webhook_deliveries SET attempts = attempts + 1, "
                + "last_attempt_at = ?, status = ?, last_error = ?, next_attempt_at = ?, delivered_at = ? WHERE id = ?")) {
            u.setLong(1, now);
            u.setString(2, ok ? DELIVERED : next == null ? FAILED : PENDING);
            u.setString(3, ok ? null : error.length() > 1000 ? error.substring(0, 1000) : error);
            if (ok || next == null) {
                u.setLong(4, now);
            } else {
                u.setLong(4, next);
            }
            if (ok) {
                u.setLong(5, now);
            } else {
                u.setNull(5, Types.BIGINT);
            }
            u.setString(6, id);
            u.executeUpdate();
        }
    }

    /** Pending again now, with a fresh {@code maxAgeMs} to be retried in; false when no such delivery. */
    static boolean retry(Connection c, String id, long now, long maxAgeMs) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE gateway_webhook_deliveries SET status = 'pending', "
                + "next_attempt_at = ?, give_up_at = ? WHERE id = ?")) {
            u.setLong(1, now);
            u.setLong(2, now + maxAgeMs);
            u.setString(3, id);
            return u.executeUpdate() > 0;
        }
    }

    /** Deletes finished deliveries created before {@code cutoff}. */
    static void expire(Connection c, long cutoff) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM gateway_webhook_deliveries WHERE created_at < ? "
                + "AND status <> 'pending'")) {
            d.setLong(1, cutoff);
            d.executeUpdate();
        }
    }

    private static List<Delivery> read(PreparedStatement q) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (ResultSet r = q.executeQuery()) {
            while (r.next()) {
                out.add(new Delivery(r.getString(1), "gateway.webhook.delivery", r.getString(2), r.getString(3),
                        r.getString(4), r.getString(5), r.getString(6), r.getInt(7), r.getLong(8),
                        PENDING.equals(r.getString(6)) ? r.getLong(9) : null, r.getLong(10), nullable(r, 11),
                        r.getString(12), nullable(r, 13), r.getString(14)));
            }
        }
        return out;
    }

    private static Long nullable(ResultSet r, int i) throws SQLException {
        long v = r.getLong(i);
        return r.wasNull() ? null : v;
    }
}
