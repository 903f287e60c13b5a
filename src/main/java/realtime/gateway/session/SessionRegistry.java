package realtime.gateway.session;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.event.Hashes;
import realtime.gateway.event.Ids;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.upstream.UpstreamHealth;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * Owns every session: creates them (up to {@code gateway.sessions.max} open at once, and each owner's
 * {@code max-sessions}), mints the client secrets that open producer connections, and ticks each session
 * so it can enforce its own limits. Open counts are reserved with compare-and-set, so two parallel
 * creates cannot both take the last place. Secrets are kept only as SHA-256 hashes.
 */
@ApplicationScoped
public class SessionRegistry {

    private static final Logger LOG = Logger.getLogger(SessionRegistry.class);
    /** How long a closing session may wait for the upstream's close before it is ended anyway. */
    static final long CLOSE_GRACE_MS = 5000;
    /** How long a session ended at a limit waits for its last transcriptions before closing the upstream. */
    static final long DRAIN_GRACE_MS = 15000;

    /** A created session with the secret that opens a producer connection to it. */
    public record Created(GatewaySession session, String clientSecret, long secretExpiresAt) {
    }

    private record SecretEntry(String sessionId, long expiresAtMs) {
    }

    private final GatewayConfig config;
    private final UpstreamProvider provider;
    private final UpstreamHealth health;
    private final SessionMetrics metrics;
    private final SessionJournal journal;
    private final RealtimeCodec codec = new RealtimeCodec();
    private final Vertx vertx;
    private final LongSupplier clock;
    private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
    private final Map<String, SecretEntry> secrets = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> openByOwner = new ConcurrentHashMap<>();
    private long sweeper = -1;
    private final Scheduler scheduler;
    private volatile boolean shuttingDown;

    @Inject
    public SessionRegistry(GatewayConfig config, UpstreamProvider provider, Vertx vertx, SessionMetrics metrics,
            SessionJournal journal) {
        this(config, provider, vertx, System::currentTimeMillis, metrics, journal);
    }

    /** With a clock of its own (tests); {@code vertx} may be null when nothing is swept on a timer. */
    public SessionRegistry(GatewayConfig config, UpstreamProvider provider, Vertx vertx, LongSupplier clock,
            SessionMetrics metrics, SessionJournal journal) {
        this.metrics = metrics;
        this.journal = journal;
        this.config = config;
        this.health = new UpstreamHealth(config.upstream().health().failures(), config.upstream().health().retryAfter(),
                clock);
        this.provider = health.watch(provider);
        this.vertx = vertx;
        this.clock = clock;
        this.scheduler = (ms, task) -> vertx.setTimer(Math.max(1, ms), t -> task.run());
    }

    void onStart(@Observes StartupEvent ev) {
        sweeper = vertx.setPeriodic(config.sessions().sweepInterval().toMillis(), t -> sweep());
        if (!provider.configured()) {
            LOG.warnf("readiness is DOWN until the upstream is ready: %s", provider.notReadyReason());
        }
    }

    /** Any other stop (the JVM's own shutdown hook): drain what is still open, as far as the server allows. */
    void onStop(@Observes ShutdownEvent ev) {
        drain();
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
    }

    /**
     * Stopping (SIGTERM, a Kubernetes rolling update): readiness goes DOWN and creates are refused at once;
     * every open session commits its pending audio and gets up to {@code gateway.shutdown.grace} for its
     * last transcriptions; then whatever is left is closed. Subscribers get the last events, then
     * {@code gateway.session.closed}, then close 1001. Blocks until every session has ended.
     */
    public void drain() {
        shuttingDown = true;
        long grace = config.shutdown().grace().toMillis();
        List<GatewaySession> open = sessions.values().stream().filter(s -> !s.state().terminal()).toList();
        if (!open.isEmpty()) {
            LOG.infof("shutdown: draining %d open sessions (up to %d s)", open.size(), grace / 1000);
        }
        open.forEach(s -> s.shutdown(grace));
        if (!awaitEnd(open, grace + CLOSE_GRACE_MS)) {
            open.forEach(s -> s.end("shutdown grace of " + grace / 1000 + " s passed"));
            awaitEnd(open, CLOSE_GRACE_MS);
        }
    }

    private static boolean awaitEnd(List<GatewaySession> sessions, long ms) {
        try {
            CompletableFuture.allOf(sessions.stream().map(GatewaySession::ended).toArray(CompletableFuture[]::new))
                    .get(ms, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a session failed to end", e);
        }
    }

    /** True once the process has begun to stop: no new sessions. */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /** The codec shared by every session. */
    public RealtimeCodec codec() {
        return codec;
    }

    /**
     * Creates a session for {@code owner} with an effective configuration and opens its upstream.
     *
     * @throws Refusal.Rejected with {@link Refusal.GatewayFull} at {@code gateway.sessions.max},
     *         {@link Refusal.QuotaExceeded} when the owner has its maximum of open sessions, or
     *         {@link Refusal.ShuttingDown}
     */
    public Created create(TranscriptionConfig effective, Duration secretTtl, SessionOwner owner) {
        if (shuttingDown) {
            throw new Refusal.Rejected(new Refusal.ShuttingDown());
        }
        int max = config.sessions().max();
        if (!reserve(open, max)) {
            throw new Refusal.Rejected(new Refusal.GatewayFull(max));
        }
        AtomicInteger mine = openByOwner.computeIfAbsent(owner.name(), k -> new AtomicInteger());
        if (!reserve(mine, owner.maxSessions())) {
            open.decrementAndGet();
            throw new Refusal.Rejected(new Refusal.QuotaExceeded("max-sessions", "Key '" + owner.name()
                    + "' already has " + mine.get() + " open sessions, its max-sessions quota; close one "
                    + "(DELETE /v1/sessions/{id}) and retry.", Math.min(retryAfter(owner.name()), 60)));
        }
        String id = Ids.random("sess_", 24);
        GatewaySession session = new GatewaySession(id, effective, owner, provider, codec, clock, limits(), metrics,
                journal, scheduler, s -> {
                    open.decrementAndGet();
                    mine.decrementAndGet();
                    SessionStatus st = s.status();
                    metrics.ended(provider.name(), st.state(), st.reason(),
                            (st.closedAt() == null ? clock.getAsLong() : st.closedAt()) - s.createdAt());
                });
        metrics.created(provider.name());
        sessions.put(id, session);
        String secret = Ids.random("ek_", 32);
        long expiresAt = clock.getAsLong() + secretTtl.toMillis();
        secrets.put(Hashes.sha256(secret), new SecretEntry(id, expiresAt));
        session.start();
        LOG.infof("session %s: created", id);
        return new Created(session, secret, expiresAt);
    }

    /**
     * {@code created}, once its upstream has answered the first connect or {@code gateway.upstream.create-wait}
     * has passed (the session then keeps connecting, with input held). Fails with {@link Refusal.UpstreamUnavailable}
     * when the upstream refused it; that session is forgotten, as if never created.
     */
    public java.util.concurrent.CompletionStage<Created> confirmed(Created created) {
        GatewaySession s = created.session();
        return s.firstAnswer().toCompletableFuture()
                .completeOnTimeout(null, config.upstream().createWait().toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(v -> {
                    if (s.state() != SessionState.FAILED) {
                        return CompletableFuture.completedFuture(created);
                    }
                    sessions.remove(s.id());
                    secrets.values().removeIf(e -> e.sessionId.equals(s.id()));
                    return journal.forget(s.id()).thenCompose(gone -> CompletableFuture.<Created>failedFuture(new Refusal.Rejected(new Refusal.UpstreamUnavailable(
                            "The upstream (" + provider.name() + ") refused the session: " + s.status().reason()
                                    + ". Nothing was created; retry later, or ask the operator to check the upstream."))));
                });
    }

    /** How the upstream's connects have gone, for readiness. */
    public UpstreamHealth.View upstreamHealth() {
        return health.view();
    }

    private GatewaySession.Limits limits() {
        return new GatewaySession.Limits(config.upstream().appendChunkBytes(),
                config.sessions().maxQueuedWhileConnecting(), config.upstream().connectTimeout().toMillis(),
                CLOSE_GRACE_MS, config.sessions().idleTimeout().toMillis(),
                config.upstream().defaultTranscriptionModel(), new SessionHub.ReplayLimits(
                        config.fanout().replay().maxFrames(), config.fanout().replay().maxAge().toMillis()),
                new Reconnects(config.upstream().reconnect().initialDelay().toMillis(),
                        config.upstream().reconnect().maxDelay().toMillis(),
                        config.upstream().reconnect().giveUp().toMillis(),
                        config.upstream().reconnect().maxBuffered().toMillis()),
                config.upstream().rotateBefore().toMillis());
    }

    /** Takes one place below {@code max}; false when there is none. */
    private static boolean reserve(AtomicInteger count, int max) {
        for (int n = count.get(); n < max; n = count.get()) {
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Seconds until the owner's soonest open session reaches its maximum duration, at least 1. */
    private long retryAfter(String owner) {
        long soonest = Long.MAX_VALUE;
        for (GatewaySession s : sessions.values()) {
            if (!s.state().terminal() && s.owner().equals(owner)) {
                soonest = Math.min(soonest, s.expiresAt());
            }
        }
        return Math.max(1, (soonest - clock.getAsLong() + 999) / 1000);
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
        if (e == null || (!allowExpired && e.expiresAtMs <= clock.getAsLong())) {
            return Optional.empty();
        }
        return get(e.sessionId).filter(s -> !s.state().terminal());
    }

    /** Sessions in {@code state} now (a scan: for metrics scrapes, not hot paths). */
    public int count(SessionState state) {
        int n = 0;
        for (GatewaySession s : sessions.values()) {
            if (s.state() == state) {
                n++;
            }
        }
        return n;
    }

    /** The provider sessions use, by name. */
    public String providerName() {
        return provider.name();
    }

    /** Sessions not yet closed or failed. */
    public int openCount() {
        return open.get();
    }

    public boolean full() {
        return openCount() >= config.sessions().max();
    }

    /** Ticks every session (each enforces its own limits), forgets sessions past retention and expired secrets. */
    void sweep() {
        long now = clock.getAsLong();
        long retention = config.sessions().retention().toMillis();
        for (GatewaySession s : sessions.values()) {
            SessionStatus st = s.status();
            if (st.closedAt() != null && now - st.closedAt() >= retention) {
                sessions.remove(s.id());
            } else if (st.closedAt() == null) {
                s.tick(now);
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
}
