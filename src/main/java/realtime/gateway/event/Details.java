package realtime.gateway.event;

import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Small nested types shared by several events: errors, log probabilities, usage, rate limits. */
public final class Details {

    private Details() {
    }

    /**
     * The {@code error} object of an {@code error} event (§e.9) and of a failed transcription, where
     * every key is optional.
     */
    @Wire
    @RegisterForReflection
    public record ErrorDetail(
            String type,
            Optional<String> code,
            String message,
            Optional<String> param,
            Optional<String> eventId) {
    }

    /** One token's log probability (§e.11). */
    @Wire
    @RegisterForReflection
    public record LogProb(String token, Double logprob, List<Integer> bytes) {
    }

    /**
     * Usage of one transcription (§e.8): {@code type} {@code tokens} (token counts) or {@code duration}
     * ({@code seconds}).
     */
    @Wire
    @RegisterForReflection
    public record TranscriptionUsage(
            String type,
            Long inputTokens,
            Long outputTokens,
            Long totalTokens,
            Response.TokenDetails inputTokenDetails,
            Double seconds) {
        public static final String TOKENS = "tokens";
        public static final String DURATION = "duration";
    }

    /** A detected language of a 2026 transcription model. */
    @Wire
    @RegisterForReflection
    public record Language(String code) {
    }

    /** One entry of {@code rate_limits.updated} (§e.10). */
    @Wire
    @RegisterForReflection
    public record RateLimit(String name, Long limit, Long remaining, Double resetSeconds) {
    }

    /** The conversation of {@code conversation.created}. */
    @Wire
    @RegisterForReflection
    public record Conversation(String id, String object) {
    }
}
