package realtime.gateway.api;

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
