package realtime.gateway.api;

import java.io.IOException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import realtime.gateway.audio.AudioFormatException;
import realtime.gateway.edge.ClientFaults;
import realtime.gateway.session.Refusal;

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
    public Response refused(Refusal.Rejected e) {
        return api(error(e.refusal()));
    }

    /** The one mapping of a refusal to a REST error: status, OpenAI's error fields, {@code Retry-After}. */
    static ApiException error(Refusal refusal) {
        if (refusal instanceof Refusal.InvalidParameter p) {
            return ApiException.invalid(p.param(), p.code(), p.message());
        }
        if (refusal instanceof Refusal.QuotaExceeded q) {
            return new ApiException(429, "rate_limit_error", "quota_exceeded", q.message(), q.limit(),
                    (int) Math.min(Integer.MAX_VALUE, q.retryAfterSeconds()));
        }
        if (refusal instanceof Refusal.GatewayFull f) {
            return new ApiException(429, "rate_limit_error", "session_limit_reached", f.message(), null, 1);
        }
        if (refusal instanceof Refusal.SessionClosed c) {
            return new ApiException(409, ApiException.INVALID_REQUEST, "session_closed", c.message(), null, null);
        }
        if (refusal instanceof Refusal.ShuttingDown) {
            return new ApiException(503, "server_error", "shutting_down", refusal.message(), null, 5);
        }
        if (refusal instanceof Refusal.UpstreamUnavailable) {
            return new ApiException(502, "server_error", "upstream_unavailable", refusal.message(), null, null);
        }
        // The only other refusal: a session still connecting with its input queue full.
        return new ApiException(503, "server_error", "session_busy", refusal.message(), null, 1);
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

    /**
     * A body that could not be read because the client went away or broke the framing: the caller's doing, so a
     * DEBUG line (the first answer, if any could be sent, came from {@code RequestGuard}) and a 400 nobody may read.
     */
    @ServerExceptionMapper
    public Response unreadable(IOException e) {
        ClientFaults kind = ClientFaults.of(e);
        if (kind == null) {
            return unexpected(e);
        }
        // When RequestGuard has answered already (the 400 for broken framing), writing this fails, and its
        // failure handler takes that for what it is.
        LOG.debugf("request body unreadable (%s): %s", kind, e.toString());
        return api(ApiException.invalid(null, "malformed_request",
                kind == ClientFaults.ABORTED ? "The client closed the connection before the request was read."
                        : ClientFaults.message(e)));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected failure", e);
        return api(new ApiException(500, "server_error", null, "The gateway failed to handle the request.", null, null));
    }
}
