package realtime.gateway.auth;

/** A minted session token as the gateway remembers it: never the token itself, only its hash. */
public record ScopedToken(String id, String sessionId, TokenRole role, String createdBy, long createdAtMs,
        long expiresAtMs, String sha256) {
}
