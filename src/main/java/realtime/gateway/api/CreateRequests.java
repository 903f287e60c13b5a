package realtime.gateway.api;

import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Session;
import realtime.gateway.event.Wire;

/** The bodies of the two OpenAI-compatible create calls. */
public final class CreateRequests {

    private CreateRequests() {
    }

    /** {@code POST /v1/realtime/transcription_sessions} (beta, §a.1): every key optional. */
    @Wire
    @RegisterForReflection
    public record Beta(
            List<String> modalities,
            String inputAudioFormat,
            Optional<Session.AudioTranscription> inputAudioTranscription,
            Optional<Session.TurnDetection> turnDetection,
            Optional<Session.NoiseReduction> inputAudioNoiseReduction,
            Optional<List<String>> include,
            BetaSecretOptions clientSecret) {
    }

    /** Beta {@code client_secret}: {@code {"expires_at": {"anchor", "seconds"}}}. */
    @Wire
    @RegisterForReflection
    public record BetaSecretOptions(ExpiresAfter expiresAt) {
    }

    /** {@code {"anchor": "created_at", "seconds": 10..7200}}. */
    @Wire
    @RegisterForReflection
    public record ExpiresAfter(String anchor, Integer seconds) {
    }

    /** {@code POST /v1/realtime/client_secrets} (GA, §a.3). */
    @Wire
    @RegisterForReflection
    public record Ga(ExpiresAfter expiresAfter, Session session) {
    }
}
