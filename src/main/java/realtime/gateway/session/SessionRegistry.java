package realtime.gateway.session;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.event.Hashes;
import realtime.gateway.event.Ids;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Session;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * Owns every session: creates them (up to {@code gateway.sessions.max} open at once), mints the client
 * secrets that open producer connections, and sweeps idle, stuck and expired sessions. Secrets are kept
 * only as SHA-256 hashes.
 */
@ApplicationScoped
public class SessionRegistry {

    private static final Logger LOG = Logger.getLogger(SessionRegistry.class);
    /** How long a closing session may wait for the upstream's close before it is ended anyway. */
    private static final long CLOSE_GRACE_MS = 5000;
    /** How long a session ended at a limit waits for its last transcriptions before closing the upstream. */
    static final long DRAIN_GRACE_MS = 15000;

    /** A created session with the secret that opens a producer connection to it. */
    public record Created(GatewaySession session, String clientSecret, long secretExpiresAt) {
    }

    private record SecretEntry(String sessionId, long expiresAtMs) {
    }

    private final GatewayConfig config;
    private final UpstreamProvider provider;
    private final RealtimeCodec codec = new RealtimeCodec();
    private final Vertx vertx;
    private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
    private final Map<String, SecretEntry> secrets = new ConcurrentHashMap<>();
    private long sweeper = -1;

    public SessionRegistry(GatewayConfig config, UpstreamProvider provider, Vertx vertx) {
        this.config = config;
        this.provider = provider;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent ev) {
        sweeper = vertx.setPeriodic(config.sessions().sweepInterval().toMillis(), t -> sweep());
        if (!provider.configured()) {
            LOG.warnf("readiness is DOWN until the upstream is ready: %s", provider.notReadyReason());
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        sessions.values().forEach(s -> s.close("gateway shutting down"));
    }

    /** The codec shared by every session. */
    public RealtimeCodec codec() {
        return codec;
    }

    /**
     * Creates a session for {@code owner} with an effective GA transcription configuration and opens its upstream.
     *
     * @throws RegistryFullException when {@code gateway.sessions.max} sessions are open
     * @throws LimitExceededException when the owner already has its maximum of open sessions
     */
    public Created create(Session effectiveConfig, Duration secretTtl, SessionOwner owner) {
        GatewaySession session;
        synchronized (this) {
            if (openCount() >= config.sessions().max()) {
                throw new RegistryFullException(config.sessions().max());
            }
            int mine = 0;
            long soonestEnd = Long.MAX_VALUE;
            for (GatewaySession s : sessions.values()) {
                if (!s.state().terminal() && s.owner().equals(owner.name())) {
                    mine++;
                    soonestEnd = Math.min(soonestEnd, s.deadline());
                }
            }
            if (mine >= owner.maxSessions()) {
                long wait = (soonestEnd - System.currentTimeMillis() + 999) / 1000;
                throw new LimitExceededException("max-sessions", "Key '" + owner.name() + "' already has " + mine
                        + " open sessions, its max-sessions quota; close one (DELETE /v1/sessions/{id}) and retry.",
                        Math.min(Math.max(wait, 1), 60));
            }
            String id = Ids.random("sess_", 24);
            session = new GatewaySession(id, effectiveConfig, codec, provider, config.upstream().dialect(),
                    System::currentTimeMillis, config.upstream().appendChunkBytes(),
                    config.sessions().maxQueuedWhileConnecting(), owner);
            sessions.put(id, session);
        }
        String secret = Ids.random("ek_", 32);
        long expiresAt = System.currentTimeMillis() + secretTtl.toMillis();
        secrets.put(Hashes.sha256(secret), new SecretEntry(session.id(), expiresAt));
        session.start();
        LOG.infof("session %s: created", session.id());
        return new Created(session, secret, expiresAt);
    }

    public Optional<GatewaySession> get(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(sessions.get(id));
    }

    public Collection<GatewaySession> all() {
        return List.copyOf(sessions.values());
    }

    /** The session a client secret opens, if the secret is known and (unless {@code allowExpired}) unexpired. */
    public Optional<GatewaySession> bySecret(String secret, boolean allowExpired) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        return bySecretHash(Hashes.sha256(secret), allowExpired);
    }

    /** As {@link #bySecret}, for a secret already hashed (SHA-256, lower-case hex). */
    public Optional<GatewaySession> bySecretHash(String sha256, boolean allowExpired) {
        SecretEntry e = secrets.get(sha256);
        if (e == null || (!allowExpired && e.expiresAtMs <= System.currentTimeMillis())) {
            return Optional.empty();
        }
        return get(e.sessionId).filter(s -> !s.state().terminal());
    }

    /** Sessions not yet closed or failed. */
    public int openCount() {
        int n = 0;
        for (GatewaySession s : sessions.values()) {
            if (!s.state().terminal()) {
                n++;
            }
        }
        return n;
    }

    public boolean full() {
        return openCount() >= config.sessions().max();
    }

    /**
     * Closes idle sessions and sessions at their owner's maximum duration, ends stuck closes, forgets
     * sessions past retention and expired secrets.
     */
    void sweep() {
        long now = System.currentTimeMillis();
        long idle = config.sessions().idleTimeout().toMillis();
        long retention = config.sessions().retention().toMillis();
        long connectLimit = config.upstream().connectTimeout().toMillis() + CLOSE_GRACE_MS;
        for (GatewaySession s : sessions.values()) {
            SessionState st = s.state();
            if (s.draining()) {
                s.drainStep(now);
            } else if ((st == SessionState.ACTIVE || st == SessionState.CONNECTING) && now >= s.deadline()) {
                s.drainAndClose("maximum session duration of " + formatDuration(s.deadline() - s.createdAt())
                        + " reached (max-session-duration of key '" + s.owner() + "')", DRAIN_GRACE_MS);
            } else if (st == SessionState.CONNECTING && s.stateAgeMs(now) >= connectLimit) {
                s.fail("upstream did not connect within " + connectLimit / 1000 + " s", null);
            } else if ((st == SessionState.ACTIVE || st == SessionState.CONNECTING) && s.idleMs(now) >= idle) {
                s.close("idle for " + config.sessions().idleTimeout().toSeconds()
                        + " s without audio or a producer connection");
            } else if ((st == SessionState.CLOSING || (st.terminal() && !s.finished()))
                    && s.stateAgeMs(now) >= CLOSE_GRACE_MS) {
                s.forceFinish("upstream did not confirm the close");
            } else if (st.terminal() && s.closedAt().map(t -> now - t >= retention).orElse(false)) {
                sessions.remove(s.id());
            }
        }
        secrets.values().removeIf(e -> e.expiresAtMs <= now || !sessions.containsKey(e.sessionId));
    }

    static String formatDuration(long ms) {
        Duration d = Duration.ofMillis(ms);
        if (d.toSeconds() < 60 || d.toSeconds() % 60 != 0) {
            return d.toSeconds() + " s";
        }
        return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    static String hash(String secret) {
        return Hashes.sha256(secret);
    }
}
