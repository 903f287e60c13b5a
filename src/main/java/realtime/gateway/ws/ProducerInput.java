package realtime.gateway.ws;

import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import realtime.gateway.api.ApiException;
import realtime.gateway.api.TranscriptionConfigs;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.ClientFrame;
import realtime.gateway.event.Details;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.Errors;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Session;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.LimitExceededException;
import realtime.gateway.session.SessionClosedException;
import realtime.gateway.session.SessionRegistry;

/**
 * What both producer sockets do with input: client events are decoded, validated and forwarded in the
 * upstream's dialect; raw audio is checked and appended. A bad frame is answered with an {@code error}
 * event on that connection only (returned here as its JSON) and the session goes on.
 */
@ApplicationScoped
public class ProducerInput {

    private final RealtimeCodec codec;
    private final TranscriptionConfigs configs;
    private final AtomicLong errorIds = new AtomicLong();

    public ProducerInput(SessionRegistry registry, TranscriptionConfigs configs) {
        this.codec = registry.codec();
        this.configs = configs;
    }

    /** Handles one client text frame; returns the error event to send back, if any. */
    public Optional<String> text(GatewaySession session, String text) {
        ClientFrame frame = codec.decodeClient(text);
        if (!frame.ok()) {
            return Optional.of(error(frame.error()));
        }
        ClientEvent event = frame.event();
        try {
            event = checked(event);
            session.send(event);
            return Optional.empty();
        } catch (ApiException e) {
            return Optional.of(error(Errors.invalidRequest(e.code(), e.getMessage(), e.param(), event.eventId())));
        } catch (SessionClosedException | IllegalStateException e) {
            return Optional.of(error(Errors.invalidRequest("session_closed", e.getMessage(), null, event.eventId())));
        } catch (LimitExceededException e) {
            return Optional.of(error(quota(e, event.eventId())));
        }
    }

    /** Handles one binary frame of raw audio in the session's input format. */
    public Optional<String> audio(GatewaySession session, byte[] audio) {
        if (audio.length == 0) {
            return Optional.empty();
        }
        if (session.bytesPerMs() == 48 && audio.length % 2 != 0) {
            return Optional.of(error(Errors.invalidRequest("invalid_audio",
                    "Binary frames are PCM16 little-endian mono 24 kHz: an even number of bytes; got " + audio.length
                            + ".", null, null)));
        }
        try {
            session.appendAudio(audio);
            return Optional.empty();
        } catch (SessionClosedException | IllegalStateException e) {
            return Optional.of(error(Errors.invalidRequest("session_closed", e.getMessage(), null, null)));
        } catch (LimitExceededException e) {
            return Optional.of(error(quota(e, null)));
        }
    }

    /** The error event for a binary frame where only text frames are valid. */
    public String binaryNotAllowed() {
        return error(Errors.invalidRequest("invalid_event",
                "Binary frames are not part of the protocol: send audio as input_audio_buffer.append with base64 "
                        + "'audio'.", null, null));
    }

    private ClientEvent checked(ClientEvent event) {
        if (event instanceof ClientEvent.SessionUpdate u) {
            Session s = u.session();
            if (s == null) {
                throw ApiException.invalid("session", "missing_required_parameter", "Missing required parameter: 'session'.");
            }
            if (!Dialects.isGa(s)) {
                return new ClientEvent.SessionUpdate(u.eventId(), configs.betaToGa(s, "session."));
            }
            if (!Session.TYPE_TRANSCRIPTION.equals(s.type())) {
                throw ApiException.invalid("session.type", "invalid_value",
                        "This is a transcription session: session.type must be \"transcription\".");
            }
            configs.validate(s, p -> "session." + p);
            return u;
        }
        if (event instanceof ClientEvent.TranscriptionSessionUpdate u) {
            if (u.session() == null) {
                throw ApiException.invalid("session", "missing_required_parameter", "Missing required parameter: 'session'.");
            }
            return new ClientEvent.SessionUpdate(u.eventId(), configs.betaToGa(u.session(), "session."));
        }
        if (event instanceof ClientEvent.InputAudioBufferAppend a) {
            if (a.audio() == null) {
                throw ApiException.invalid("audio", "missing_required_parameter", "Missing required parameter: 'audio'.");
            }
            try {
                Base64.getDecoder().decode(a.audio());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("audio", "invalid_value", "'audio' is not valid base64: " + e.getMessage());
            }
        }
        return event;
    }

    /** A quota refusal as an error event: the limit is the {@code param}, the message says when to retry. */
    private static Details.ErrorDetail quota(LimitExceededException e, String eventId) {
        return new Details.ErrorDetail("rate_limit_error", Optional.of("quota_exceeded"), e.getMessage(),
                Optional.of(e.limit()), Optional.ofNullable(eventId));
    }

    private String error(Details.ErrorDetail detail) {
        return codec.write(Errors.event("event_gw_err_" + errorIds.incrementAndGet(), detail));
    }
}
