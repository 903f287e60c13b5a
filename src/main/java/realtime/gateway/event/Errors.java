package realtime.gateway.event;

import java.util.Optional;

/** Builders for the {@code error} details the gateway itself sends, in the server's own shape. */
public final class Errors {

    /** {@code error.type} for a request the client can fix. */
    public static final String INVALID_REQUEST = "invalid_request_error";

    private Errors() {
    }

    public static Details.ErrorDetail invalidRequest(String code, String message, String param, String eventId) {
        return new Details.ErrorDetail(INVALID_REQUEST, Optional.ofNullable(code), message,
                Optional.ofNullable(param), Optional.ofNullable(eventId));
    }

    /** A complete {@code error} server event carrying {@code detail}, with a gateway-minted event id. */
    public static SystemEvent.Error event(String eventId, Details.ErrorDetail detail) {
        return new SystemEvent.Error(SystemEvent.Error.TYPE, eventId, detail);
    }
}
