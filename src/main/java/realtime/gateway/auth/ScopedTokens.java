package realtime.gateway.auth;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import realtime.gateway.event.Hashes;
import realtime.gateway.event.Ids;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.SessionRegistry;

/**
 * Short-lived tokens scoped to one session and one role, for browsers (which cannot set headers on a
 * WebSocket). A token is {@code gst_} + 32 base62 characters (about 190 bits); only its SHA-256 is kept.
 * A token stops working when it expires, when it is revoked, and when its session ends.
 */
@ApplicationScoped
public class ScopedTokens {

    /** A new token: the value is returned once and never stored. */
    public record Minted(ScopedToken token, String value) {
    }

    private final SessionRegistry registry;
    private final Map<String, ScopedToken> byHash = new ConcurrentHashMap<>();
    private final Map<String, ScopedToken> byId = new ConcurrentHashMap<>();
    /** What to do when a token is revoked: close the sockets and streams opened with it. */
    private final Map<String, Set<Runnable>> onRevoke = new ConcurrentHashMap<>();

    public ScopedTokens(SessionRegistry registry) {
        this.registry = registry;
    }

    public Minted mint(String sessionId, TokenRole role, Duration ttl, String createdBy) {
        purge(System.currentTimeMillis());
        String value = Ids.random("gst_", 32);
        long now = System.currentTimeMillis();
        ScopedToken t = new ScopedToken(Ids.random("tok_", 20), sessionId, role, createdBy, now,
                now + ttl.toMillis(), Hashes.sha256(value));
        byHash.put(t.sha256(), t);
        byId.put(t.id(), t);
        return new Minted(t, value);
    }

    /** The live token with this hash: unexpired, unrevoked, its session not ended. */
    public Optional<ScopedToken> byHash(String sha256) {
        ScopedToken t = byHash.get(sha256);
        if (t == null || t.expiresAtMs() <= System.currentTimeMillis()) {
            return Optional.empty();
        }
        Optional<GatewaySession> s = registry.get(t.sessionId());
        if (s.isEmpty() || s.get().state().terminal()) {
            revoke(t);
            return Optional.empty();
        }
        return Optional.of(t);
    }

    /** The session's live tokens, newest first. */
    public List<ScopedToken> list(String sessionId) {
        long now = System.currentTimeMillis();
        return byId.values().stream().filter(t -> t.sessionId().equals(sessionId) && t.expiresAtMs() > now)
                .sorted(Comparator.comparingLong(ScopedToken::createdAtMs).reversed()).toList();
    }

    /**
     * Revokes the session's token {@code id}, closing what was opened with it; false when there is no such live
     * token.
     */
    public boolean revoke(String sessionId, String id) {
        ScopedToken t = byId.get(id);
        if (t == null || !t.sessionId().equals(sessionId) || t.expiresAtMs() <= System.currentTimeMillis()) {
            return false;
        }
        Set<Runnable> actions = revoke(t);
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
        return true;
    }

    /**
     * Runs {@code close} when {@code caller}'s token is revoked (at once if it is gone already); nothing for other
     * callers, whose credentials cannot be revoked while the process runs. The returned handle forgets it: call it
     * when what {@code close} would close has closed by itself. (An expired token leaves open sockets open: expiry
     * limits when a socket may be opened, as with OpenAI's client secrets.)
     */
    public Runnable whenRevoked(Caller caller, Runnable close) {
        if (!(caller instanceof Caller.Token t)) {
            return () -> {
            };
        }
        String id = t.token().id();
        onRevoke.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(close);
        if (!byId.containsKey(id)) {
            // Revoked between the request's authentication and now.
            Set<Runnable> late = onRevoke.remove(id);
            if (late != null) {
                late.forEach(Runnable::run);
            }
        }
        return () -> onRevoke.computeIfPresent(id, (k, set) -> {
            set.remove(close);
            return set.isEmpty() ? null : set;
        });
    }

    /** Forgets {@code t}; returns what was to run at its revocation (the caller decides whether it runs). */
    private Set<Runnable> revoke(ScopedToken t) {
        byHash.remove(t.sha256());
        byId.remove(t.id());
        return onRevoke.remove(t.id());
    }

    /** Forgets expired tokens and tokens of ended sessions. */
    void purge(long now) {
        for (ScopedToken t : byId.values()) {
            if (t.expiresAtMs() <= now || registry.get(t.sessionId()).map(s -> s.state().terminal()).orElse(true)) {
                revoke(t);
            }
        }
    }
}
