package realtime.gateway.ws;

import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.ClientFrame;
import realtime.gateway.event.Details;
import realtime.gateway.event.Errors;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.session.ConfigValidation;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionRegistry;

/**
 * What both producer sockets do with input: client events are decoded, validated and forwarded (audio as
 * bytes, configuration updates in the GA shape, the rest exactly as written); binary audio is checked and
 * appended. Each returns when the session has handed the input upstream, so a producer is read no faster
 * than the upstream takes its input. A refusal is answered with an {@code error} event on that connection
 * only, and the session goes on.
 */
@ApplicationScoped
public class ProducerInput {

    private final RealtimeCodec codec;
    private final AtomicLong errorIds = new AtomicLong();

    public ProducerInput(SessionRegistry registry) {
        this.codec = registry.codec();
    }

    /** Handles one client text frame; completes with the error event to send back, if any. */
    public CompletionStage<Optional<String>> text(GatewaySession session, String text) {
        ClientFrame frame = codec.decodeClient(text);
        if (!frame.ok()) {
            return CompletableFuture.completedFuture(Optional.of(error(frame.error())));
        }
        ClientEvent event = frame.event();
        CompletionStage<Optional<Refusal>> sent;
        try {
            if (event instanceof ClientEvent.SessionUpdate || event instanceof ClientEvent.TranscriptionSessionUpdate) {
                sent = session.send(ConfigValidation.update(event));
            } else if (event instanceof ClientEvent.InputAudioBufferAppend a) {
                sent = session.appendAudio(decodeAudio(a, session.inputFormat()), session.inputFormat());
            } else {
                sent = session.sendRaw(text, event);
            }
        } catch (Refusal.Rejected e) {
            return CompletableFuture.completedFuture(Optional.of(error(e.refusal(), event.eventId())));
        }
        return sent.thenApply(r -> r.map(no -> error(no, event.eventId())));
    }

    /** Handles one binary frame of raw audio in the session's input format. */
    public CompletionStage<Optional<String>> audio(GatewaySession session, byte[] audio) {
        if (audio.length == 0) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        AudioFormat format = session.inputFormat();
        if (audio.length % format.frameBytes() != 0) {
            return CompletableFuture.completedFuture(Optional.of(error(Errors.invalidRequest("invalid_audio",
                    "Binary frames are PCM16 little-endian mono 24 kHz: an even number of bytes; got " + audio.length
                            + ".", null, null))));
        }
        return session.appendAudio(audio, format).thenApply(r -> r.map(no -> error(no, null)));
    }

    /** The error event for a binary frame where only text frames are valid. */
    public String binaryNotAllowed() {
        return error(Errors.invalidRequest("invalid_event",
                "Binary frames are not part of the protocol: send audio as input_audio_buffer.append with base64 "
                        + "'audio'.", null, null));
    }

    /** Sends an error event back, if there is one; the producer's next frame waits for {@code done}. */
    static Uni<Void> replyIfAny(CompletionStage<Optional<String>> done,
            java.util.function.Function<String, Uni<Void>> send) {
        return Uni.createFrom().completionStage(done).chain(err -> err.isPresent()
                ? send.apply(err.get()).onFailure().recoverWithNull()
                : Uni.createFrom().voidItem());
    }

    private static byte[] decodeAudio(ClientEvent.InputAudioBufferAppend a, AudioFormat format) {
        if (a.audio() == null) {
            throw Refusal.invalid("audio", "missing_required_parameter", "Missing required parameter: 'audio'.");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(a.audio());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("audio", "invalid_value", "'audio' is not valid base64: " + e.getMessage());
        }
        if (bytes.length % format.frameBytes() != 0) {
            throw Refusal.invalid("audio", "invalid_value", "'audio' must hold whole PCM16 samples (an even number "
                    + "of bytes); got " + bytes.length + ".");
        }
        return bytes;
    }

    /** The one mapping of a refusal to an {@code error} event. */
    private String error(Refusal refusal, String eventId) {
        String type = "invalid_request_error";
        String code;
        String param = null;
        if (refusal instanceof Refusal.InvalidParameter p) {
            code = p.code();
            param = p.param();
        } else if (refusal instanceof Refusal.QuotaExceeded q) {
            type = "rate_limit_error";
            code = "quota_exceeded";
            param = q.limit();
        } else if (refusal instanceof Refusal.SessionBusy) {
            type = "server_error";
            code = "session_busy";
        } else if (refusal instanceof Refusal.ShuttingDown) {
            type = "server_error";
            code = "shutting_down";
        } else {
            code = "session_closed";
        }
        return error(new Details.ErrorDetail(type, Optional.of(code), refusal.message(), Optional.ofNullable(param),
                Optional.ofNullable(eventId)));
    }

    private String error(Details.ErrorDetail detail) {
        return codec.write(Errors.event("event_gw_err_" + errorIds.incrementAndGet(), detail));
    }
}
