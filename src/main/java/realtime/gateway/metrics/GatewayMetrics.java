package realtime.gateway.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import realtime.gateway.event.ConversationEvent;
import realtime.gateway.event.Details;
import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.SessionEvent;
import realtime.gateway.event.SystemEvent;
import realtime.gateway.event.TranscriptionEvent;
import realtime.gateway.session.SessionMetrics;
import realtime.gateway.session.SessionState;

/**
 * Every meter the gateway keeps (names and meanings in the README, "Metrics"). Meters are created on first
 * use and cached by their tags, so the hot paths (a frame from the upstream, a frame to subscribers) cost a
 * map lookup and an add. Tags are bounded: frame types and error codes outside the protocol's known set
 * become {@code other}, close reasons are reduced to a few causes, and a key's name (never its value) is the
 * only per-caller tag.
 */
@ApplicationScoped
public class GatewayMetrics implements SessionMetrics {

    /** The upstream frame types counted by name; any other is {@code other}. */
    static final Set<String> FRAME_TYPES = Set.of(SessionEvent.Created.TYPE, SessionEvent.Updated.TYPE,
            SessionEvent.TranscriptionCreated.TYPE, SessionEvent.TranscriptionUpdated.TYPE,
            InputAudioEvent.SpeechStarted.TYPE, InputAudioEvent.SpeechStopped.TYPE, InputAudioEvent.Committed.TYPE,
            InputAudioEvent.Cleared.TYPE, ConversationEvent.ItemAdded.TYPE, ConversationEvent.ItemDone.TYPE,
            "conversation.item.created", TranscriptionEvent.Delta.TYPE, TranscriptionEvent.Completed.TYPE,
            TranscriptionEvent.Failed.TYPE, SystemEvent.Error.TYPE, "gateway.transcription.partial");
    /** Upstream error codes counted by name (protocol.md §g); any other is {@code other}. */
    static final Set<String> ERROR_CODES = Set.of("invalid_api_key", "invalid_model", "missing_model",
            "beta_api_shape_disabled", "session_expired", "server_error", "invalid_value", "invalid_event",
            "invalid_json", "input_audio_buffer_commit_empty", "rate_limit_exceeded", "unknown_parameter");

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final Counter delivered;
    private final DistributionSummary queue;

    public GatewayMetrics(MeterRegistry registry, realtime.gateway.config.GatewayConfig config) {
        // Off: a composite registry with no member hands out no-op meters, so every call below costs nothing.
        this.registry = config.metrics().enabled() ? registry
                : new io.micrometer.core.instrument.composite.CompositeMeterRegistry();
        registry.gauge("gateway.fanout.subscribers", subscribers);
        this.delivered = Counter.builder("gateway.fanout.frames.delivered")
                .description("Frames handed to subscribers (one per subscriber per frame)").register(registry);
        this.queue = DistributionSummary.builder("gateway.fanout.subscriber.queue")
                .description("Frames a subscriber has been handed and not yet written, sampled once a second")
                .baseUnit("frames").publishPercentiles(0.5, 0.99).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join("\u0000", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String name, String description, boolean histogram, String... tags) {
        return timers.computeIfAbsent(name + String.join("\u0000", tags), k -> {
            Timer.Builder b = Timer.builder(name).description(description).tags(tags);
            if (histogram) {
                b.publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                        .maximumExpectedValue(Duration.ofSeconds(30));
            }
            return b.register(registry);
        });
    }

    @Override
    public void created(String upstream) {
        counter("gateway.sessions.created", "Sessions created", "upstream", upstream).increment();
    }

    @Override
    public void ended(String upstream, SessionState state, String reason, long ms) {
        counter("gateway.sessions.ended", "Sessions ended, by final state and cause", "upstream", upstream, "state",
                state.wire(), "cause", cause(reason)).increment();
        timer("gateway.sessions.duration", "How long sessions lasted", false, "upstream", upstream)
                .record(ms, TimeUnit.MILLISECONDS);
    }

    /** Words of a close reason and the bounded cause they stand for, first match wins. */
    private static final java.util.List<String[]> CAUSES = java.util.List.of(
            new String[] { "DELETE", "deleted" }, new String[] { "/v1/realtime connection", "producer_closed" },
            new String[] { "idle for", "idle" }, new String[] { "maximum session duration", "max_duration" },
            new String[] { "shutdown", "shutdown" }, new String[] { "refused", "upstream_refused" },
            new String[] { "upstream unreachable", "upstream_unreachable" },
            new String[] { "did not connect", "upstream_unreachable" },
            new String[] { "upstream connection failed", "upstream_unreachable" },
            new String[] { "upstream error", "upstream_error" }, new String[] { "upstream closed", "upstream_closed" },
            new String[] { "did not confirm the close", "upstream_closed" });

    /** A close reason reduced to a bounded cause. */
    static String cause(String reason) {
        String r = reason == null ? "" : reason;
        for (String[] c : CAUSES) {
            if (r.contains(c[0])) {
                return c[1];
            }
        }
        return "other";
    }

    @Override
    public void connect(String upstream, boolean ok, long ms) {
        timer("gateway.upstream.connect", "Upstream connect attempts and how long they took", false, "upstream",
                upstream, "outcome", ok ? "open" : "failed").record(ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void reconnected(String upstream, long downtimeMs) {
        timer("gateway.upstream.reconnect.downtime", "Reconnects, and the time each session was without an upstream",
                true, "upstream", upstream).record(downtimeMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void rotated(String upstream) {
        counter("gateway.upstream.rotations", "Moves to a fresh connection ahead of the upstream's age limit",
                "upstream", upstream).increment();
    }

    /** Frame counters by upstream, then by type: the one meter on every upstream frame, found without building a key. */
    private final Map<String, Map<String, Counter>> frameCounters = new ConcurrentHashMap<>();

    @Override
    public void upstreamFrame(String upstream, String type) {
        String t = type != null && FRAME_TYPES.contains(type) ? type : "other";
        frameCounters.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>())
                .computeIfAbsent(t, k -> counter("gateway.upstream.frames", "Frames from the upstream, by type",
                        "upstream", upstream, "type", k))
                .increment();
    }

    @Override
    public void upstreamError(String upstream, String code) {
        counter("gateway.upstream.errors", "Error events from the upstream, by code", "upstream", upstream, "code",
                code != null && ERROR_CODES.contains(code) ? code : "other").increment();
    }

    @Override
    public void audioSent(String upstream, double ms) {
        counter("gateway.upstream.audio.seconds", "Seconds of callers' audio handed to the upstream", "upstream",
                upstream).increment(ms / 1000);
    }

    @Override
    public void usage(String upstream, String model, Details.TranscriptionUsage u) {
        String m = bounded(model);
        if (u.seconds() != null) {
            counter("gateway.upstream.billed.seconds", "Duration the upstream billed", "upstream", upstream, "model", m)
                    .increment(u.seconds());
        }
        if (u.inputTokens() != null) {
            counter("gateway.upstream.billed.tokens", "Tokens the upstream billed", "upstream", upstream, "model", m,
                    "kind", "input").increment(u.inputTokens());
        }
        if (u.outputTokens() != null) {
            counter("gateway.upstream.billed.tokens", "Tokens the upstream billed", "upstream", upstream, "model", m,
                    "kind", "output").increment(u.outputTokens());
        }
    }

    /** Model names are the caller's choice: only the ones that look like a model name become tags. */
    private static String bounded(String model) {
        return model != null && model.length() <= 64 && model.matches("[A-Za-z0-9._-]+") ? model : "other";
    }

    @Override
    public void firstDelta(String upstream, long ms) {
        timer("gateway.transcription.first.delta", "From speech_stopped to the turn's first delta", true, "upstream",
                upstream).record(ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void completed(String upstream, long ms) {
        timer("gateway.transcription.completed", "From speech_stopped to the turn's completed", true, "upstream",
                upstream).record(ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void subscribers(int change) {
        subscribers.addAndGet(change);
    }

    @Override
    public void delivered(int n) {
        if (n > 0) {
            delivered.increment(n);
        }
    }

    @Override
    public void slowConsumer() {
        counter("gateway.fanout.slow.consumers", "Subscribers closed with 4008 for falling behind").increment();
    }

    @Override
    public void replay(boolean recovered) {
        counter("gateway.fanout.replays", "Subscribers that resumed, and whether everything they missed was there",
                "recovered", Boolean.toString(recovered)).increment();
    }

    @Override
    public void subscriberQueue(int frames) {
        queue.record(frames);
    }

    /** A refused request: {@code status} 401, 404 or 429, for the key named (or {@code none}). */
    public void refused(int status, String keyName) {
        counter("gateway.auth.refusals", "Requests refused by authentication or quotas, by status and key name",
                "status", Integer.toString(status), "key", keyName == null ? "none" : keyName).increment();
    }

    /** A gauge without tags, read from {@code value} when scraped. */
    public void gauge(String name, String description, java.util.function.Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
    }

    /** Gauges of open sessions by state and upstream, read from {@code counts} when scraped. */
    public void sessionGauges(Iterable<SessionState> states, String upstream, Function<SessionState, Integer> counts) {
        for (SessionState st : states) {
            io.micrometer.core.instrument.Gauge.builder("gateway.sessions.open", () -> counts.apply(st))
                    .description("Sessions not yet ended, by state").tags("state", st.wire(), "upstream", upstream)
                    .register(registry);
        }
    }
}
