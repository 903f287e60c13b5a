package realtime.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional conditions of a list query (by owner, by status, before a cursor) and their parameters, kept
 * together so that each condition is written once: {@code and(owner != null, "owner = ?", owner)}.
 */
final class Filters {

    private final StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    private final List<Object> parameters = new ArrayList<>();

    /** Adds {@code condition} with its {@code values} when {@code given}. */
    Filters and(boolean given, String condition, Object... values) {
        if (given) {
            where.append(" AND ").append(condition);
            parameters.addAll(List.of(values));
        }
        return this;
    }

    /** {@code select} with these conditions, then {@code orderBy}, at most {@code limit} rows, parameters bound. */
    PreparedStatement prepare(Connection c, String select, String orderBy, int limit) throws SQLException {
        PreparedStatement q = c.prepareStatement(select + where + " " + orderBy);
        q.setMaxRows(limit);
        for (int i = 0; i < parameters.size(); i++) {
            q.setObject(i + 1, parameters.get(i));
        }
        return q;
    }
}
