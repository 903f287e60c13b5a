package realtime.gateway.api;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Accounts;
import realtime.gateway.auth.Caller;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.Session;
import realtime.gateway.session.SessionRegistry;

/**
 * OpenAI-compatible session creation, so the official SDKs work with the gateway as their base URL.
 * Each call creates a gateway session (and its upstream connection) and returns a gateway-minted client
 * secret that opens a producer connection on {@code /v1/realtime}.
 */
@Path("/v1/realtime")
@Tag(name = "OpenAI-compatible", description = "Session creation as OpenAI's Realtime API does it, so the official SDKs work "
        + "with the gateway as their base URL")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class RealtimeResource {

    private final Accounts accounts;
    private final TranscriptionConfigs configs;
    private final ObjectMapper mapper;

    public RealtimeResource(SessionRegistry registry, Accounts accounts, TranscriptionConfigs configs) {
        this.accounts = accounts;
        this.configs = configs;
        this.mapper = registry.codec().mapper();
    }

    private CompletionStage<SessionRegistry.Created> create(RoutingContext rc, TranscriptionConfigs.Accepted accepted) {
        Caller.Key key = (Caller.Key) AccessFilter.caller(rc);
        return accounts.createSession(key.key(), accepted.config(), accepted.secretTtl());
    }

    /** Beta: the transcription session object with {@code client_secret {value, expires_at}}. */
    @POST
    @Path("/transcription_sessions")
    @Operation(summary = "Create a transcription session (beta shape)", description = "Creates a gateway session, opens its "
            + "upstream connection (waiting up to gateway.upstream.create-wait for the upstream's first answer) and "
            + "returns the transcription session object with a gateway-minted client_secret that opens /v1/realtime. "
            + "Every field is optional; {} is a valid body.")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(implementation = CreateRequests.Beta.class),
            examples = @ExampleObject(name = "minimal", value = "{\"input_audio_transcription\":{\"model\":"
                    + "\"gpt-4o-transcribe\",\"language\":\"en\"},\"turn_detection\":{\"type\":\"server_vad\"}}")))
    @APIResponse(responseCode = "200", description = "The session, with client_secret {value, expires_at}")
    public CompletionStage<ObjectNode> createTranscriptionSession(String body, RoutingContext rc) {
        TranscriptionConfigs.Accepted accepted = configs.fromBeta(body);
        return create(rc, accepted).thenApply(created -> betaBody(accepted, created));
    }

    private ObjectNode betaBody(TranscriptionConfigs.Accepted accepted, SessionRegistry.Created created) {
        Session beta = Dialects.toBeta(accepted.config().toWire());
        ObjectNode out = mapper.createObjectNode();
        out.put("id", created.session().id());
        out.put("object", Session.OBJECT_TRANSCRIPTION);
        out.put("expires_at", created.session().expiresAt() / 1000);
        out.putArray("modalities").add("audio").add("text");
        out.setAll((ObjectNode) mapper.valueToTree(beta));
        ObjectNode secret = out.putObject("client_secret");
        secret.put("value", created.clientSecret());
        secret.put("expires_at", created.secretExpiresAt() / 1000);
        return out;
    }

    /** GA: {@code {value, expires_at, session}} for a {@code session.type: "transcription"} body. */
    @POST
    @Path("/client_secrets")
    @Operation(summary = "Create a transcription session (GA shape)", description = "As the beta create, for a body "
            + "{session: {type: \"transcription\", audio: {input: …}}}; returns {value, expires_at, session}.")
    @RequestBody(content = @Content(mediaType = "application/json", schema = @Schema(implementation = CreateRequests.Ga.class),
            examples = @ExampleObject(name = "minimal", value = "{\"session\":{\"type\":\"transcription\"}}")))
    @APIResponse(responseCode = "200", description = "The client secret and the session")
    public CompletionStage<ObjectNode> createClientSecret(String body, RoutingContext rc) {
        TranscriptionConfigs.Accepted accepted = configs.fromGa(body);
        return create(rc, accepted).thenApply(created -> gaBody(accepted, created));
    }

    private ObjectNode gaBody(TranscriptionConfigs.Accepted accepted, SessionRegistry.Created created) {
        ObjectNode out = mapper.createObjectNode();
        out.put("value", created.clientSecret());
        out.put("expires_at", created.secretExpiresAt() / 1000);
        ObjectNode session = out.putObject("session");
        session.put("type", Session.TYPE_TRANSCRIPTION);
        session.put("object", Session.OBJECT_TRANSCRIPTION);
        session.put("id", created.session().id());
        session.put("expires_at", created.session().expiresAt() / 1000);
        ObjectNode cfg = mapper.valueToTree(accepted.config().toWire());
        cfg.remove("type");
        session.setAll(cfg);
        return out;
    }
}
