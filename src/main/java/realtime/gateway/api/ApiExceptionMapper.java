package realtime.gateway.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import realtime.gateway.audio.AudioFormatException;
import realtime.gateway.session.LimitExceededException;
import realtime.gateway.session.RegistryFullException;
import realtime.gateway.session.SessionClosedException;

/** Every failure of every REST path becomes one {@link ApiError} with a status that fits. */
public class ApiExceptionMapper {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(new ApiError.Body(e.getMessage(), e.type(), e.param(), e.code())));
        if (e.retryAfterSeconds() != null) {
            r.header("Retry-After", e.retryAfterSeconds());
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response full(RegistryFullException e) {
        return api(new ApiException(429, "rate_limit_error", "session_limit_reached", e.getMessage(), null, 1));
    }

    @ServerExceptionMapper
    public Response limit(LimitExceededException e) {
        return api(limitError(e));
    }

    /** A quota refusal: 429, {@code Retry-After}, and the limit's name as the error's {@code param}. */
    static ApiException limitError(LimitExceededException e) {
        return new ApiException(429, "rate_limit_error", "quota_exceeded", e.getMessage(), e.limit(),
                (int) Math.min(Integer.MAX_VALUE, e.retryAfterSeconds()));
    }

    @ServerExceptionMapper
    public Response closed(SessionClosedException e) {
        return api(new ApiException(409, ApiException.INVALID_REQUEST, "session_closed", e.getMessage(), null, null));
    }

    @ServerExceptionMapper
    public Response audio(AudioFormatException e) {
        return api(ApiException.invalid("body", "invalid_audio", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return api(ApiException.invalid(null, "invalid_json", "The body is not valid JSON: " + e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> null;
        };
        return api(new ApiException(status, status >= 500 ? "server_error" : ApiException.INVALID_REQUEST, code,
                e.getMessage(), null, null));
    }

    @ServerExceptionMapper
    public Response busy(IllegalStateException e) {
        return api(new ApiException(503, "server_error", "unavailable", e.getMessage(), null, 1));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected failure", e);
        return api(new ApiException(500, "server_error", null, "The gateway failed to handle the request.", null, null));
    }
}
