package realtime.gateway.event;

import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Input-audio transcription results, all keyed by the user item's {@code item_id}. */
public sealed interface TranscriptionEvent extends ServerEvent {

    /** The item the transcription belongs to. */
    String itemId();

    /** {@code …input_audio_transcription.delta}; GA adds the undocumented {@code obfuscation}. */
    @Wire
    @RegisterForReflection
    record Delta(String type, String eventId, String itemId, Integer contentIndex, String delta,
            Optional<List<Details.LogProb>> logprobs, String obfuscation) implements TranscriptionEvent {
        public static final String TYPE = "conversation.item.input_audio_transcription.delta";
    }

    /** {@code …input_audio_transcription.completed}: the whole transcript of one turn, with usage. */
    @Wire
    @RegisterForReflection
    record Completed(String type, String eventId, String itemId, Integer contentIndex, String transcript,
            Optional<Details.TranscriptionUsage> usage, Optional<List<Details.LogProb>> logprobs,
            List<Details.Language> languages) implements TranscriptionEvent {
        public static final String TYPE = "conversation.item.input_audio_transcription.completed";
    }

    /** {@code …input_audio_transcription.failed}: this turn could not be transcribed. */
    @Wire
    @RegisterForReflection
    record Failed(String type, String eventId, String itemId, Integer contentIndex, Details.ErrorDetail error)
            implements TranscriptionEvent {
        public static final String TYPE = "conversation.item.input_audio_transcription.failed";
    }

    /** {@code …input_audio_transcription.segment} (GA, diarisation): one speaker's segment in seconds. */
    @Wire
    @RegisterForReflection
    record Segment(String type, String eventId, String itemId, Integer contentIndex, String text, String id,
            String speaker, Double start, Double end) implements TranscriptionEvent {
        public static final String TYPE = "conversation.item.input_audio_transcription.segment";
    }
}
