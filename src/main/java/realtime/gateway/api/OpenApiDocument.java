package realtime.gateway.api;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * What the generated OpenAPI document cannot know from the resources alone: the document's description,
 * the two credentials (an API key as a Bearer token; a session token as {@code ?token=}), and the error
 * shape every operation can answer with, under the statuses the gateway uses. Registered with
 * {@code mp.openapi.filter}.
 */
public class OpenApiDocument implements OASFilter {

    /** Statuses any operation may answer with, and when. */
    static final Map<String, String> ERRORS = Map.of(
            "400", "The request is invalid: error.param names the field, error.message says what to fix",
            "401", "No credential, an unknown one, or one outside its scope",
            "404", "No such session (or another key's)",
            "429", "A quota or the gateway's session limit; Retry-After says when to try again",
            "502", "The upstream refused the session (creates only)",
            "503", "The gateway is shutting down or the session is busy; Retry-After");

    @Override
    public void filterOpenAPI(OpenAPI api) {
        api.info(OASFactory.createInfo().title("Realtime Gateway").version("1")
                .description("Owns realtime speech-transcription sessions: creates them (OpenAI-compatible), holds the "
                        + "upstream Realtime connection, takes callers' audio and fans every event out to WebSocket and "
                        + "SSE subscribers. WebSockets (/v1/realtime, /v1/sessions/{id}/events and /audio) are "
                        + "described in the README."));
        if (api.getComponents() == null) {
            api.components(OASFactory.createComponents());
        }
        api.getComponents()
                .addSecurityScheme("apiKey", OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                        .scheme("bearer").description("A gateway API key: Authorization: Bearer <key>"))
                .addSecurityScheme("sessionToken", OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.QUERY).name("token")
                        .description("A scoped session token (POST /v1/sessions/{id}/tokens), for its own session's "
                                + "paths only; also accepted as Authorization: Bearer"))
                .addSchema("Error", OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                        .description("OpenAI's error shape").addProperty("error", OASFactory.createSchema()
                                .type(List.of(Schema.SchemaType.OBJECT))
                                .addProperty("message", string()).addProperty("type", string())
                                .addProperty("param", string()).addProperty("code", string())));
        api.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme("apiKey"));
        api.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme("sessionToken"));
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(this::errors));
    }

    private void errors(Operation op) {
        APIResponses responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        ERRORS.forEach((status, description) -> {
            if (!responses.hasAPIResponse(status)) {
                responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description)
                        .content(OASFactory.createContent().addMediaType("application/json", OASFactory
                                .createMediaType().schema(OASFactory.createSchema().ref("Error")))));
            }
        });
        op.responses(responses);
    }

    private static Schema string() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING));
    }
}
