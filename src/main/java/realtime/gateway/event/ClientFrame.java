package realtime.gateway.event;

/**
 * The result of decoding a client frame: either the event, or the {@code error} detail the sender
 * must get back ({@code invalid_request_error} with {@code invalid_json}, {@code invalid_event} or
 * {@code invalid_value}, and the offending {@code param}).
 */
public record ClientFrame(ClientEvent event, Details.ErrorDetail error) {

    static ClientFrame ok(ClientEvent event) {
        return new ClientFrame(event, null);
    }

    /** A rejected frame with the error to answer it with. */
    public static ClientFrame rejected(String eventId, String code, String message, String param) {
        return new ClientFrame(null, Errors.invalidRequest(code, message, param, eventId));
    }

    public boolean ok() {
        return event != null;
    }
}
