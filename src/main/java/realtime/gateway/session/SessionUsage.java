package realtime.gateway.session;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Details;
import realtime.gateway.event.Wire;

/**
 * What a session (or a key, summed over its sessions) used: audio seconds sent upstream and the
 * upstream's own usage from {@code conversation.item.input_audio_transcription.completed}: tokens for the
 * token-billed models, seconds for the duration-billed ones.
 */
@Wire
@RegisterForReflection
public record SessionUsage(double audioSeconds, Upstream upstream) {

    /** The upstream's usage, summed over completed transcriptions. */
    @Wire
    @RegisterForReflection
    public record Upstream(long transcriptions, long inputTokens, long outputTokens, long totalTokens,
            long inputAudioTokens, long inputTextTokens, double durationSeconds) {
    }

    /** A running sum; not thread-safe: its owner (a session context, an account) serialises the calls. */
    public static final class Counter {
        private double audioMs;
        private long transcriptions;
        private long inputTokens;
        private long outputTokens;
        private long totalTokens;
        private long inputAudioTokens;
        private long inputTextTokens;
        private double durationSeconds;

        public void audio(double ms) {
            audioMs += ms;
        }

        public void upstream(Details.TranscriptionUsage u) {
            transcriptions++;
            if (u == null) {
                return;
            }
            inputTokens += zero(u.inputTokens());
            outputTokens += zero(u.outputTokens());
            totalTokens += zero(u.totalTokens());
            if (u.inputTokenDetails() != null) {
                inputAudioTokens += zero(u.inputTokenDetails().audioTokens());
                inputTextTokens += zero(u.inputTokenDetails().textTokens());
            }
            if (u.seconds() != null) {
                durationSeconds += u.seconds();
            }
        }

        /** Adds another counter's totals (for sums over many minutes or keys). */
        public void add(SessionUsage u) {
            audioMs += u.audioSeconds() * 1000;
            transcriptions += u.upstream().transcriptions();
            inputTokens += u.upstream().inputTokens();
            outputTokens += u.upstream().outputTokens();
            totalTokens += u.upstream().totalTokens();
            inputAudioTokens += u.upstream().inputAudioTokens();
            inputTextTokens += u.upstream().inputTextTokens();
            durationSeconds += u.upstream().durationSeconds();
        }

        public SessionUsage view() {
            return new SessionUsage(audioMs / 1000.0, new Upstream(transcriptions, inputTokens, outputTokens,
                    totalTokens, inputAudioTokens, inputTextTokens, durationSeconds));
        }

        private static long zero(Long v) {
            return v == null ? 0 : v;
        }
    }
}
