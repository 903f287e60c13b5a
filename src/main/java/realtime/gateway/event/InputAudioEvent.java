package realtime.gateway.event;

import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Input and output audio buffer events. */
public sealed interface InputAudioEvent extends ServerEvent {

    /** {@code input_audio_buffer.committed}: the buffer became user item {@code item_id}. */
    @Wire
    @RegisterForReflection
    record Committed(String type, String eventId, Optional<String> previousItemId, String itemId) implements InputAudioEvent {
        public static final String TYPE = "input_audio_buffer.committed";
    }

    /** {@code input_audio_buffer.cleared}. */
    @Wire
    @RegisterForReflection
    record Cleared(String type, String eventId) implements InputAudioEvent {
        public static final String TYPE = "input_audio_buffer.cleared";
    }

    /** {@code input_audio_buffer.speech_started} (VAD), milliseconds from the start of the session's audio. */
    @Wire
    @RegisterForReflection
    record SpeechStarted(String type, String eventId, Long audioStartMs, String itemId) implements InputAudioEvent {
        public static final String TYPE = "input_audio_buffer.speech_started";
    }

    /** {@code input_audio_buffer.speech_stopped} (VAD). */
    @Wire
    @RegisterForReflection
    record SpeechStopped(String type, String eventId, Long audioEndMs, String itemId) implements InputAudioEvent {
        public static final String TYPE = "input_audio_buffer.speech_stopped";
    }

    /** {@code input_audio_buffer.timeout_triggered} (GA, {@code idle_timeout_ms}). */
    @Wire
    @RegisterForReflection
    record TimeoutTriggered(String type, String eventId, Long audioStartMs, Long audioEndMs, String itemId)
            implements InputAudioEvent {
        public static final String TYPE = "input_audio_buffer.timeout_triggered";
    }

    /** {@code input_audio_buffer.dtmf_event_received} (GA, SIP only; no {@code event_id} on the wire). */
    @Wire
    @RegisterForReflection
    record DtmfEventReceived(String type, String eventId, String event, Long receivedAt) implements InputAudioEvent {
        public static final String TYPE = "input_audio_buffer.dtmf_event_received";
    }

    /** {@code output_audio_buffer.started} (WebRTC/SIP only). */
    @Wire
    @RegisterForReflection
    record OutputStarted(String type, String eventId, String responseId) implements InputAudioEvent {
        public static final String TYPE = "output_audio_buffer.started";
    }

    /** {@code output_audio_buffer.stopped} (WebRTC/SIP only). */
    @Wire
    @RegisterForReflection
    record OutputStopped(String type, String eventId, String responseId) implements InputAudioEvent {
        public static final String TYPE = "output_audio_buffer.stopped";
    }

    /** {@code output_audio_buffer.cleared} (WebRTC/SIP only). */
    @Wire
    @RegisterForReflection
    record OutputCleared(String type, String eventId, String responseId) implements InputAudioEvent {
        public static final String TYPE = "output_audio_buffer.cleared";
    }
}
