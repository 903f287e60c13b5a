package realtime.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import realtime.gateway.event.Details;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.session.SessionSnapshot;
import realtime.gateway.session.Transcript;

/** The SQL of the gateway's tables (V1 migration), one method per statement or short sequence. */
final class Tables {

    private static final ObjectMapper JSON = RealtimeCodec.newMapper();
    private static final TypeReference<List<Details.LogProb>> LOGPROBS = new TypeReference<>() {
    };

    private Tables() {
    }

    // ---- sessions ----------------------------------------------------------------------------------

    static void saveSession(Connection c, SessionSnapshot given, String node, long now) throws SQLException {
        SessionSnapshot s = given.closedAt() == null ? given : new SessionSnapshot(given.id(), given.object(),
                given.state(), given.reason(), given.closeCode(), given.provider(), given.createdAt(), given.closedAt(),
                given.config(), idle(given.counters()), given.owner(), given.usage(), given.upstream());
        String json = json(s);
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE gateway_sessions SET state = ?, node = ?, closed_at = ?, updated_at = ?, snapshot = ? WHERE id = ?")) {
            u.setString(1, s.state());
            u.setString(2, node);
            setLong(u, 3, s.closedAt());
            u.setLong(4, now);
            u.setString(5, json);
            u.setString(6, s.id());
            if (u.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement i = c.prepareStatement("INSERT INTO gateway_sessions "
                + "(id, owner, state, node, created_at, closed_at, updated_at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            i.setString(1, s.id());
            i.setString(2, s.owner());
            i.setString(3, s.state());
            i.setString(4, node);
            i.setLong(5, s.createdAt());
            setLong(i, 6, s.closedAt());
            i.setLong(7, now);
            i.setString(8, json);
            i.executeUpdate();
        }
    }

    static Optional<SessionSnapshot> session(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT snapshot FROM gateway_sessions WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(snapshot(r.getString(1))) : Optional.empty();
            }
        }
    }

    /** The key that owns session {@code id}, if it is stored. */
    static Optional<String> owner(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT owner FROM gateway_sessions WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Up to {@code limit} sessions, newest first, created before {@code beforeCreatedAt} (or at it with a
     * smaller id), of {@code owner} when it is not null.
     */
    static List<SessionSnapshot> sessions(Connection c, String owner, Long beforeCreatedAt, String beforeId, int limit)
            throws SQLException {
        try (PreparedStatement q = new Filters().and(owner != null, "owner = ?", owner)
                .and(beforeCreatedAt != null, "(created_at < ? OR (created_at = ? AND id < ?))", beforeCreatedAt,
                        beforeCreatedAt, beforeId)
                .prepare(c, "SELECT snapshot FROM gateway_sessions", "ORDER BY created_at DESC, id DESC", limit)) {
            List<SessionSnapshot> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(snapshot(r.getString(1)));
                }
            }
            return out;
        }
    }

    /**
     * Marks every session still open on {@code node} as failed with {@code reason} at {@code now} (its process
     * died with it); returns them as they are now.
     */
    static List<SessionSnapshot> failOpen(Connection c, String node, String reason, long now) throws SQLException {
        List<SessionSnapshot> open = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT snapshot FROM gateway_sessions WHERE node = ? "
                + "AND state NOT IN ('closed', 'failed')")) {
            q.setString(1, node);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    open.add(snapshot(r.getString(1)));
                }
            }
        }
        List<SessionSnapshot> failed = new ArrayList<>(open.size());
        for (SessionSnapshot s : open) {
            SessionSnapshot f = failed(s, reason, now);
            saveSession(c, f, node, now);
            failed.add(f);
        }
        return failed;
    }

    private static SessionSnapshot failed(SessionSnapshot s, String reason, long now) {
        return new SessionSnapshot(s.id(), s.object(), "failed", reason, null, s.provider(), s.createdAt(), now,
                s.config(), idle(s.counters()), s.owner(), s.usage(), s.upstream());
    }

    /** An ended session's counters: nobody is connected to it any more. */
    static SessionSnapshot.Counters idle(SessionSnapshot.Counters k) {
        return k == null ? null : new SessionSnapshot.Counters(k.audioBytesSent(), k.audioMsSent(), k.eventsReceived(),
                k.eventsByType(), 0, k.subscribersTotal(), 0);
    }

    /** Deletes sessions closed before {@code cutoff} and their transcripts; returns how many sessions. */
    static int expire(Connection c, long cutoff) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM gateway_transcript_items WHERE session_id IN "
                + "(SELECT id FROM gateway_sessions WHERE closed_at < ?)")) {
            d.setLong(1, cutoff);
            d.executeUpdate();
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM gateway_sessions WHERE closed_at < ?")) {
            d.setLong(1, cutoff);
            return d.executeUpdate();
        }
    }

    static void forget(Connection c, String id) throws SQLException {
        eraseTurns(c, id);
        try (PreparedStatement d = c.prepareStatement("DELETE FROM gateway_sessions WHERE id = ?")) {
            d.setString(1, id);
            d.executeUpdate();
        }
    }

    // ---- transcript items --------------------------------------------------------------------------

    static void saveTurn(Connection c, String sessionId, Transcript.Row t, long now) throws SQLException {
        if (!t.stored()) { // a new turn (the common case): no update to try first
            insertTurn(c, sessionId, t, now);
            return;
        }
        try (PreparedStatement u = c.prepareStatement("UPDATE gateway_transcript_items SET shown_id = ?, "
                + "previous_item_id = ?, connection_no = ?, arrival = ?, audio_start_ms = ?, audio_end_ms = ?, "
                + "transcript_text = ?, failed = ?, usage_json = ?, logprobs_json = ?, completed_at = ? "
                + "WHERE session_id = ? AND item_id = ?")) {
            turnColumns(u, t, now);
            u.setString(12, sessionId);
            u.setString(13, t.itemId());
            if (u.executeUpdate() > 0) {
                return;
            }
        }
        insertTurn(c, sessionId, t, now);
    }

    private static void insertTurn(Connection c, String sessionId, Transcript.Row t, long now) throws SQLException {
        try (PreparedStatement i = c.prepareStatement("INSERT INTO gateway_transcript_items (shown_id, "
                + "previous_item_id, connection_no, arrival, audio_start_ms, audio_end_ms, transcript_text, failed, "
                + "usage_json, logprobs_json, completed_at, session_id, item_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            turnColumns(i, t, now);
            i.setString(12, sessionId);
            i.setString(13, t.itemId());
            i.executeUpdate();
        }
    }

    private static void turnColumns(PreparedStatement p, Transcript.Row t, long now) throws SQLException {
        p.setString(1, t.shownId());
        p.setString(2, t.previousItemId());
        p.setInt(3, t.connection());
        p.setLong(4, t.arrival());
        setLong(p, 5, t.audioStartMs());
        setLong(p, 6, t.audioEndMs());
        p.setString(7, t.text());
        p.setBoolean(8, t.failed());
        p.setString(9, t.usage() == null ? null : json(t.usage()));
        p.setString(10, t.logprobs() == null ? null : json(t.logprobs()));
        p.setLong(11, now);
    }

    static List<Transcript.Row> turns(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT item_id, shown_id, previous_item_id, connection_no, "
                + "arrival, audio_start_ms, audio_end_ms, transcript_text, failed, usage_json, logprobs_json "
                + "FROM gateway_transcript_items WHERE session_id = ? ORDER BY arrival")) {
            q.setString(1, sessionId);
            List<Transcript.Row> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String usage = r.getString(10);
                    String logprobs = r.getString(11);
                    out.add(new Transcript.Row(r.getString(1), r.getString(2), r.getString(3), r.getInt(4),
                            r.getLong(5), getLong(r, 6), getLong(r, 7), r.getString(8), r.getBoolean(9),
                            usage == null ? null : read(usage, Details.TranscriptionUsage.class),
                            logprobs == null ? null : read(logprobs, LOGPROBS), true));
                }
            }
            return out;
        }
    }

    /** Deletes a session's transcript items; returns how many had text. */
    static int eraseTurns(Connection c, String sessionId) throws SQLException {
        int withText;
        try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM gateway_transcript_items "
                + "WHERE session_id = ? AND transcript_text IS NOT NULL")) {
            q.setString(1, sessionId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                withText = r.getInt(1);
            }
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM gateway_transcript_items WHERE session_id = ?")) {
            d.setString(1, sessionId);
            d.executeUpdate();
        }
        return withText;
    }

    static void audit(Connection c, long now, String actor, String action, String sessionId, String detail)
            throws SQLException {
        try (PreparedStatement i = c.prepareStatement(
                "INSERT INTO gateway_audit (at_ms, actor, action, session_id, detail) VALUES (?, ?, ?, ?, ?)")) {
            i.setLong(1, now);
            i.setString(2, actor);
            i.setString(3, action);
            i.setString(4, sessionId);
            i.setString(5, detail);
            i.executeUpdate();
        }
    }

    // ---- nodes -------------------------------------------------------------------------------------

    static void heartbeat(Connection c, String node, long now, boolean starting) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(starting
                ? "UPDATE gateway_nodes SET heartbeat_at = ?, started_at = ? WHERE id = ?"
                : "UPDATE gateway_nodes SET heartbeat_at = ? WHERE id = ? AND started_at <= ?")) {
            u.setLong(1, now);
            if (starting) {
                u.setLong(2, now);
                u.setString(3, node);
            } else {
                u.setString(2, node);
                u.setLong(3, now);
            }
            if (u.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement i = c.prepareStatement(
                "INSERT INTO gateway_nodes (id, started_at, heartbeat_at) VALUES (?, ?, ?)")) {
            i.setString(1, node);
            i.setLong(2, now);
            i.setLong(3, now);
            i.executeUpdate();
        }
    }

    /** Nodes other than {@code self} whose last heartbeat is before {@code staleBefore}. */
    static List<String> staleNodes(Connection c, String self, long staleBefore) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM gateway_nodes WHERE id <> ? AND heartbeat_at < ?")) {
            q.setString(1, self);
            q.setLong(2, staleBefore);
            List<String> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }

    static void forgetNode(Connection c, String node) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM gateway_nodes WHERE id = ?")) {
            d.setString(1, node);
            d.executeUpdate();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.BIGINT);
        } else {
            p.setLong(i, v);
        }
    }

    private static Long getLong(ResultSet r, int i) throws SQLException {
        long v = r.getLong(i);
        return r.wasNull() ? null : v;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + o.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static SessionSnapshot snapshot(String json) throws SQLException {
        return read(json, SessionSnapshot.class);
    }

    private static <T> T read(String json, Class<T> type) throws SQLException {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored " + type.getSimpleName() + " is not readable: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) throws SQLException {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored value is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
