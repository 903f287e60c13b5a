package realtime.gateway.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.SessionJournal;
import realtime.gateway.session.SessionSnapshot;
import realtime.gateway.session.Transcript;

/**
 * Where sessions, transcripts and usage outlive the process: the embedded H2 file database under
 * {@code gateway.store.path} by default, PostgreSQL when {@code quarkus.datasource.jdbc.url} is set, or
 * nothing ({@code gateway.store=memory}). At start it migrates the schema (Flyway), marks the sessions a dead
 * process left open as failed, and starts the writer; sessions hand it their records without waiting.
 */
@ApplicationScoped
public class Store implements SessionJournal {

    private static final Logger LOG = Logger.getLogger(Store.class);
    /** The embedded database's datasource name (application.properties). */
    static final String EMBEDDED = "embedded";
    /** Why sessions a dead process had open are shown failed. */
    public static final String RESTARTED = "process restarted";

    /** Which database keeps the records. */
    public enum Kind {
        EMBEDDED, POSTGRESQL, MEMORY;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A page of stored sessions, newest first; {@code hasMore} when older ones follow. */
    public record Page(List<SessionSnapshot> sessions, boolean hasMore) {
    }

    private final GatewayConfig config;
    private final Kind kind;
    private final String node;
    private final InjectableInstance<AgroalDataSource> dataSources;
    private final InjectableInstance<Flyway> flyways;
    private final Vertx vertx;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final io.micrometer.core.instrument.Timer commitTimer;
    private final io.micrometer.core.instrument.Timer delayTimer;
    private final LongSupplier clock = System::currentTimeMillis;
    private final List<StoreWriter.Periodic> periodic = new ArrayList<>();
    private AgroalDataSource ds;
    private final String webhookUrl;
    /** Keys with a webhook of their own (their {@code webhook-url}), by name. */
    private final java.util.Map<String, String> keyWebhooks = new java.util.HashMap<>();
    private final long webhookMaxAgeMs;
    /** The owner of each open session (turns are announced with it). */
    private final java.util.Map<String, String> owners = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile StoreWriter writer;

    @Inject
    public Store(GatewayConfig config, @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> postgresUrl,
            @Any InjectableInstance<AgroalDataSource> dataSources, @Any InjectableInstance<Flyway> flyways, Vertx vertx,
            io.micrometer.core.instrument.MeterRegistry meters, realtime.gateway.auth.Authenticator auth) {
        for (realtime.gateway.auth.ApiKey k : auth.keys()) {
            if (k.webhookUrl() != null) {
                keyWebhooks.put(k.name(), k.webhookUrl());
            }
        }
        this.meters = meters;
        this.commitTimer = io.micrometer.core.instrument.Timer.builder("gateway.store.commit")
                .description("Time to write and commit one batch of records").publishPercentileHistogram()
                .register(meters);
        this.delayTimer = io.micrometer.core.instrument.Timer.builder("gateway.store.write.delay")
                .description("From a record handed to the store to its commit (what a kill -9 could lose), oldest "
                        + "record of each batch")
                .publishPercentileHistogram().register(meters);
        this.config = config;
        this.kind = kind(config.store().kind(), postgresUrl.isPresent());
        this.webhookUrl = config.webhooks().url().map(java.net.URI::toString).orElse(null);
        this.webhookMaxAgeMs = config.webhooks().maxAge().toMillis();
        if ((webhookUrl != null || !keyWebhooks.isEmpty()) && kind == Kind.MEMORY) {
            throw new IllegalArgumentException("gateway.webhooks.url needs a store for its outbox (deliveries are kept "
                    + "until delivered, across restarts); gateway.store=memory keeps none: use embedded or postgresql");
        }
        this.node = config.store().node().orElseGet(Store::hostName);
        this.dataSources = dataSources;
        this.flyways = flyways;
        this.vertx = vertx;
    }

    static Kind kind(String value, boolean postgresConfigured) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return postgresConfigured ? Kind.POSTGRESQL : Kind.EMBEDDED;
            case "embedded":
            case "h2":
                return Kind.EMBEDDED;
            case "postgresql":
            case "postgres":
                if (!postgresConfigured) {
                    throw new IllegalArgumentException("gateway.store=postgresql needs quarkus.datasource.jdbc.url "
                            + "(QUARKUS_DATASOURCE_JDBC_URL, e.g. jdbc:postgresql://db:5432/gateway) and its username "
                            + "and password");
                }
                return Kind.POSTGRESQL;
            case "memory":
                return Kind.MEMORY;
            default:
                throw new IllegalArgumentException("gateway.store is '" + value + "'; use auto, embedded, postgresql or "
                        + "memory");
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Adds work the writer runs every {@code intervalMs} (before {@link #open}). */
    void every(StoreWriter.Periodic p) {
        periodic.add(p);
    }

    void onStart(@Observes @Priority(10) StartupEvent ev) {
        open();
    }

    /** After the sessions have drained (their last records are queued), writes what is left. */
    void onStop(@Observes @Priority(5000) ShutdownEvent ev) {
        StoreWriter w = writer;
        if (w != null) {
            w.stop(10_000);
        }
    }

    synchronized void open() {
        if (kind == Kind.MEMORY || writer != null) {
            LOG.infof("store: memory (nothing is kept across restarts)");
            return;
        }
        long started = clock.getAsLong();
        if (kind == Kind.EMBEDDED) {
            checkPath(config.store().path());
        }
        ds = (kind == Kind.EMBEDDED ? dataSources.select(new io.quarkus.agroal.DataSource.DataSourceLiteral(EMBEDDED))
                : dataSources.select(Default.Literal.INSTANCE)).get();
        Flyway flyway = (kind == Kind.EMBEDDED
                ? flyways.select(io.quarkus.flyway.FlywayDataSource.FlywayDataSourceLiteral.of(EMBEDDED))
                : flyways.select(Default.Literal.INSTANCE)).get();
        var migrated = flyway.migrate();
        int failed;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long now = clock.getAsLong();
            Tables.heartbeat(c, node, now, true);
            failed = closedByRestart(c, Tables.failOpen(c, node, RESTARTED, now), now);
            failed += reapStale(c, now);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("store: cannot read the " + kind.wire() + " database: " + e.getMessage(), e);
        }
        List<StoreWriter.Periodic> all = new ArrayList<>(periodic);
        long beat = config.store().heartbeat().toMillis();
        all.add(new StoreWriter.Periodic(beat, false, (c, now) -> {
            Tables.heartbeat(c, node, now, false);
            reapStale(c, now);
        }));
        long retention = config.store().retention().toMillis();
        all.add(new StoreWriter.Periodic(config.store().retentionCheck().toMillis(), false, (c, now) -> {
            int n = Tables.expire(c, now - retention);
            Outbox.expire(c, now - retention);
            if (n > 0) {
                LOG.infof("store: %d sessions past retention deleted with their transcripts", n);
            }
        }));
        StoreWriter w = new StoreWriter(ds, clock, config.store().maxQueued(), all, (commit, oldest, works) -> {
            commitTimer.record(commit, java.util.concurrent.TimeUnit.NANOSECONDS);
            delayTimer.record(oldest, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
        meters.gauge("gateway.store.writes.queued", java.util.List.of(), w, x -> x.queued());
        io.micrometer.core.instrument.FunctionCounter.builder("gateway.store.writes", w, x -> x.written())
                .description("Records written to the store").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("gateway.store.writes.dropped", w, x -> x.dropped())
                .description("Records dropped because gateway.store.max-queued were waiting").register(meters);
        writer = w;
        writer.start();
        LOG.infof("store: %s database ready in %d ms (schema version %s%s, node %s)", kind.wire(),
                clock.getAsLong() - started, flyway.info().current() == null ? "none" : flyway.info().current().getVersion(),
                migrated.migrationsExecuted > 0 ? ", " + migrated.migrationsExecuted + " migrations applied" : "", node);
        if (failed > 0) {
            LOG.infof("store: %d sessions left open by a stopped process are now failed (%s)", failed, RESTARTED);
        }
    }

    /** Fails the open sessions of processes that stopped telling they are alive; returns how many. */
    private int reapStale(Connection c, long now) throws SQLException {
        int n = 0;
        for (String stale : Tables.staleNodes(c, node, now - 3 * config.store().heartbeat().toMillis())) {
            n += closedByRestart(c, Tables.failOpen(c, stale, RESTARTED, now), now);
            Tables.forgetNode(c, stale);
        }
        return n;
    }

    /** The webhook for each session a dead process left open, in the transaction that marks it failed. */
    private int closedByRestart(Connection c, List<SessionSnapshot> failed, long now) throws SQLException {
        for (SessionSnapshot s : failed) {
            String url = webhook(Outbox.SESSION_CLOSED, s.owner());
            if (url != null) {
                Outbox.enqueue(c, Outbox.SESSION_CLOSED, s.id(), s.owner(), url, Outbox.sessionPayload(s, now), now,
                        webhookMaxAgeMs);
            }
        }
        return failed.size();
    }

    /** Where events of {@code type} about {@code owner}'s sessions go: its key's webhook, else the global one; or null. */
    private String webhook(String type, String owner) {
        if (!config.webhooks().events().contains(type)) {
            return null;
        }
        String own = owner == null ? null : keyWebhooks.get(owner);
        return own != null ? own : webhookUrl;
    }

    private static void checkPath(String path) {
        if (!Path.of(path).isAbsolute() && !path.startsWith("./") && !path.startsWith(".\\")) {
            throw new IllegalArgumentException("gateway.store.path is '" + path + "': give an absolute path, or one "
                    + "relative to the working directory that starts with ./ (the embedded database requires it)");
        }
    }

    public Kind kind() {
        return kind;
    }

    /** True when records are kept in a database. */
    public boolean persistent() {
        return kind != Kind.MEMORY;
    }

    /** The last write error while writes keep failing, else null. */
    public String failing() {
        StoreWriter w = writer;
        return w == null ? null : w.failing();
    }


    // ---- writes: from session contexts, never waiting ----------------------------------------------

    @Override
    public void session(SessionSnapshot snapshot) {
        StoreWriter w = writer;
        if (w == null) {
            return;
        }
        boolean ended = snapshot.closedAt() != null;
        if (ended) {
            owners.remove(snapshot.id());
        } else {
            owners.put(snapshot.id(), snapshot.owner());
        }
        String announce = ended ? webhook(Outbox.SESSION_CLOSED, snapshot.owner()) : null;
        w.submit(new StoreWriter.Work() {
            @Override
            public void run(Connection c, long now) throws SQLException {
                Tables.saveSession(c, snapshot, node, now);
                if (announce != null) {
                    Outbox.enqueue(c, Outbox.SESSION_CLOSED, snapshot.id(), snapshot.owner(), announce,
                            Outbox.sessionPayload(snapshot, now), now, webhookMaxAgeMs);
                }
            }

            @Override
            public String coalesceKey() {
                return snapshot.id();
            }
        });
    }

    @Override
    public void turn(String sessionId, Transcript.Row row) {
        StoreWriter w = writer;
        if (w == null) {
            return;
        }
        String owner = owners.get(sessionId);
        String announce = row.text() != null && !row.failed() ? webhook(Outbox.ITEM_COMPLETED, owner) : null;
        w.submit((c, now) -> {
            Tables.saveTurn(c, sessionId, row, now);
            if (announce != null) {
                Outbox.enqueue(c, Outbox.ITEM_COMPLETED, sessionId, owner, announce,
                        Outbox.itemPayload(sessionId, owner, row, now), now, webhookMaxAgeMs);
            }
        });
    }

    /** Whether webhooks are configured, globally or for a key (and so the outbox is written). */
    public boolean webhooks() {
        return webhookUrl != null || !keyWebhooks.isEmpty();
    }

    @Override
    public CompletionStage<Void> forget(String sessionId) {
        return write((c, now) -> Tables.forget(c, sessionId)).exceptionally(e -> null);
    }

    /** Runs {@code work} in the writer's order; completes once committed. */
    CompletionStage<Void> write(StoreWriter.Work work) {
        StoreWriter w = writer;
        return w == null ? CompletableFuture.completedFuture(null) : w.submitAwaited(work);
    }

    /**
     * Erases the stored transcript of {@code sessionId} and leaves an audit line (who, when, how many items;
     * never the text). Completes with how many items had text, once committed.
     */
    public CompletionStage<Integer> eraseTranscript(String sessionId, String actor) {
        int[] erased = new int[1];
        return write((c, now) -> {
            erased[0] = Tables.eraseTurns(c, sessionId);
            Tables.audit(c, now, actor, "transcript.erased", sessionId, erased[0] + " items erased");
        }).thenApply(v -> erased[0]);
    }

    // ---- reads: on worker threads -------------------------------------------------------------------

    /** A read run on a worker thread. */
    interface Read<T> {
        T run(Connection c) throws SQLException;
    }

    <T> CompletionStage<T> read(Read<T> read, T whenMemory) {
        if (kind == Kind.MEMORY || ds == null) {
            return CompletableFuture.completedFuture(whenMemory);
        }
        return vertx.<T>executeBlocking(() -> {
            try (Connection c = ds.getConnection()) {
                return read.run(c);
            }
        }, false).toCompletionStage();
    }

    /** The key that owns the stored session {@code id}; empty when no such session is stored. */
    public CompletionStage<Optional<String>> owner(String id) {
        return read(c -> Tables.owner(c, id), Optional.empty());
    }

    public CompletionStage<Optional<SessionSnapshot>> session(String id) {
        return read(c -> Tables.session(c, id), Optional.empty());
    }

    /**
     * Up to {@code limit} sessions newest first, older than {@code before} when it is given, of {@code owner}
     * when it is not null.
     */
    public CompletionStage<Page> sessions(String owner, SessionSnapshot before, int limit) {
        return read(c -> {
            List<SessionSnapshot> rows = Tables.sessions(c, owner, before == null ? null : before.createdAt(),
                    before == null ? null : before.id(), limit + 1);
            return new Page(rows.size() > limit ? rows.subList(0, limit) : rows, rows.size() > limit);
        }, new Page(List.of(), false));
    }

    /** The stored turns of {@code sessionId}, as rows to rebuild its transcript from. */
    public CompletionStage<List<Transcript.Row>> turns(String sessionId) {
        return read(c -> Tables.turns(c, sessionId), List.of());
    }
}
