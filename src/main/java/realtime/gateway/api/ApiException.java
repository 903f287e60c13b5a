package realtime.gateway.api;

/** A request the gateway refuses, with the HTTP status and the error fields the caller sees. */
public class ApiException extends RuntimeException {

    public static final String INVALID_REQUEST = "invalid_request_error";

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String type, String code, String message, String param,
            Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400 {@code invalid_request_error} naming the field to fix. */
    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, INVALID_REQUEST, code, message, param, null);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, INVALID_REQUEST, "not_found", what, null, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
