package realtime.gateway.session;

import java.util.Optional;

import realtime.gateway.event.Details;

/**
 * Where a session reports what it costs, and asks whether it may cost more: the account of the key that
 * owns it. Calls come from request threads and event loops; implementations are thread-safe.
 */
public interface UsageSink {

    /** A sink that allows everything and records nothing. */
    UsageSink NONE = new UsageSink() {
        @Override
        public Optional<Refusal.QuotaExceeded> chargeAudio(double ms) {
            return Optional.empty();
        }

        @Override
        public void refundAudio(double ms) {
        }

        @Override
        public void upstreamUsage(Details.TranscriptionUsage usage) {
        }
    };

    /**
     * Records {@code ms} of audio about to be sent upstream, or refuses it (and records nothing) when the
     * owner's audio quota does not allow it.
     */
    Optional<Refusal.QuotaExceeded> chargeAudio(double ms);

    /** Takes back audio charged with {@link #chargeAudio} that could not be sent after all. */
    void refundAudio(double ms);

    /** Records the upstream's own usage from one {@code completed} event. */
    void upstreamUsage(Details.TranscriptionUsage usage);
}
