package realtime.gateway.session;

/**
 * A session's lifecycle at one moment, immutable, readable from any thread.
 *
 * @param since when the session entered {@code state} (epoch ms)
 * @param closedAt when it ended, once {@code state} is terminal
 */
public record SessionStatus(SessionState state, String reason, Integer closeCode, long since, Long closedAt) {
}
