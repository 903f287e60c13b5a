package realtime.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** OpenAI's REST error body: {@code {"error":{"message","type","param","code"}}}, nulls kept. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(Body error) {

    /** The error object; {@code param} and {@code code} are always present, possibly null. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Body(String message, String type, String param, String code) {
    }
}
