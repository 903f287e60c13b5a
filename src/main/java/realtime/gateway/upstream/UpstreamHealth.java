package realtime.gateway.upstream;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.smallrye.mutiny.Uni;

/**
 * Whether an upstream is usable, judged by what its connects did: after {@code failuresToDown} connects in
 * a row failed (first connects and reconnects alike), it is unusable and readiness goes DOWN, until one
 * succeeds or {@code retryAfterMs} has passed since the last failure (then the next create tries it again:
 * a half-open circuit, with no probe connections of its own). Thread-safe; wraps the provider it watches.
 */
public final class UpstreamHealth {

    private final int failuresToDown;
    private final long retryAfterMs;
    private final LongSupplier clock;
    private int consecutiveFailures;
    private String lastError;
    private long lastFailureAt;
    private long connects;
    private long failures;

    public UpstreamHealth(int failuresToDown, Duration retryAfter, LongSupplier clock) {
        this.failuresToDown = Math.max(1, failuresToDown);
        this.retryAfterMs = retryAfter.toMillis();
        this.clock = clock;
    }

    /** What readiness shows of one upstream. */
    public record View(boolean usable, int consecutiveFailures, String lastError, long connects, long failures) {
    }

    synchronized void succeeded() {
        connects++;
        consecutiveFailures = 0;
    }

    synchronized void failed(Throwable why) {
        failures++;
        consecutiveFailures++;
        lastFailureAt = clock.getAsLong();
        lastError = why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage();
    }

    public synchronized View view() {
        boolean usable = consecutiveFailures < failuresToDown || clock.getAsLong() - lastFailureAt >= retryAfterMs;
        return new View(usable, consecutiveFailures, lastError, connects, failures);
    }

    /** {@code provider}, with every connect's outcome counted here. */
    public UpstreamProvider watch(UpstreamProvider provider) {
        return new Watched(provider, this);
    }

    private record Watched(UpstreamProvider inner, UpstreamHealth health) implements UpstreamProvider {

        @Override
        public Uni<UpstreamConnection> connect(String sessionId, UpstreamListener listener) {
            return inner.connect(sessionId, listener).onItem().invoke(c -> health.succeeded())
                    .onFailure().invoke(health::failed);
        }

        @Override
        public boolean configured() {
            return inner.configured();
        }

        @Override
        public String notReadyReason() {
            return inner.notReadyReason();
        }

        @Override
        public void warmUp() {
            inner.warmUp();
        }

        @Override
        public boolean acceptsPcmRate(int rate) {
            return inner.acceptsPcmRate(rate);
        }

        @Override
        public boolean fatal(Throwable connectFailure) {
            return inner.fatal(connectFailure);
        }

        @Override
        public boolean refusedAtStart(Throwable connectFailure) {
            return inner.refusedAtStart(connectFailure);
        }

        @Override
        public Optional<Duration> maxSessionAge() {
            return inner.maxSessionAge();
        }

        @Override
        public Optional<String> refuseLanguage(String language) {
            return inner.refuseLanguage(language);
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
