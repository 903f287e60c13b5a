package realtime.gateway.api;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Caller;
import realtime.gateway.auth.ScopedToken;
import realtime.gateway.auth.ScopedTokens;
import realtime.gateway.auth.TokenRole;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.Wire;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.SessionState;

/**
 * Browser-safe tokens for one session: {@code POST /v1/sessions/{id}/tokens} with {@code role}
 * ({@code subscriber} or {@code producer}) and {@code ttl_seconds} returns a token that opens only that
 * session's paths for that role, passed as {@code ?token=} or the subprotocol {@code gateway-token.<token>}.
 * Only API keys reach these paths (the access filter sees to it).
 */
@Path("/v1/sessions/{id}/tokens")
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private static final Set<String> FIELDS = Set.of("role", "ttl_seconds");

    /** A token as shown to its creator; {@code token} only in the create response. */
    @Wire
    @RegisterForReflection
    public record TokenView(String object, String id, String sessionId, String role, String token, long createdAt,
            long expiresAt, String createdBy) {

        static TokenView of(ScopedToken t, String value) {
            return new TokenView("gateway.session.token", t.id(), t.sessionId(), t.role().wire(), value,
                    t.createdAtMs() / 1000, t.expiresAtMs() / 1000, t.createdBy());
        }
    }

    /** The list view. */
    @Wire
    @RegisterForReflection
    public record TokenList(String object, List<TokenView> data) {
    }

    /** The answer to a revocation. */
    @Wire
    @RegisterForReflection
    public record Deleted(String object, String id, boolean deleted) {
    }

    private final SessionRegistry registry;
    private final ScopedTokens tokens;
    private final GatewayConfig config;
    private final ObjectMapper mapper = RealtimeCodec.newMapper();

    public TokenResource(SessionRegistry registry, ScopedTokens tokens, GatewayConfig config) {
        this.registry = registry;
        this.tokens = tokens;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Mint a session token", description = "A scoped token for one session, as producer (send "
            + "audio) or subscriber (read events and transcript); {role, ttl_seconds}. Returned once, kept only hashed.")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "subscriber",
            value = "{\"role\":\"subscriber\",\"ttl_seconds\":600}")))
    public Response create(@PathParam("id") String id, String body, RoutingContext rc) {
        GatewaySession s = session(id);
        if (s.state().terminal() || s.state() == SessionState.CLOSING) {
            throw new ApiException(409, ApiException.INVALID_REQUEST, "session_closed",
                    "Session " + id + " is " + s.state().wire() + "; tokens are only minted for open sessions.", null, null);
        }
        JsonNode tree = parse(body);
        JsonNode role = tree.get("role");
        TokenRole r = role != null && role.isTextual() ? TokenRole.of(role.asText()) : null;
        if (r == null) {
            throw ApiException.invalid("role", role == null ? "missing_required_parameter" : "invalid_value",
                    "'role' must be \"subscriber\" (events and transcript) or \"producer\" (audio)"
                            + (role == null ? "." : "; got " + role + "."));
        }
        long max = config.auth().tokenMaxTtl().toSeconds();
        Duration ttl = config.auth().tokenDefaultTtl();
        JsonNode t = tree.get("ttl_seconds");
        if (t != null) {
            if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > max) {
                throw ApiException.invalid("ttl_seconds", "invalid_value",
                        "'ttl_seconds' must be a whole number from 1 to " + max + "; got " + t + ".");
            }
            ttl = Duration.ofSeconds(t.asLong());
        }
        Caller.Key key = (Caller.Key) AccessFilter.caller(rc);
        ScopedTokens.Minted m = tokens.mint(id, r, ttl, key.key().name());
        return Response.status(201).entity(TokenView.of(m.token(), m.value())).build();
    }

    @GET
    @Operation(summary = "List a session's tokens", description = "Ids, roles and expiry; never the token values.")
    public TokenList list(@PathParam("id") String id) {
        session(id);
        return new TokenList("list", tokens.list(id).stream().map(t -> TokenView.of(t, null)).toList());
    }

    @DELETE
    @Path("/{tokenId}")
    @Operation(summary = "Revoke a token", description = "At once, for new requests and open sockets alike.")
    public Deleted revoke(@PathParam("id") String id, @PathParam("tokenId") String tokenId) {
        session(id);
        if (!tokens.revoke(id, tokenId)) {
            throw ApiException.notFound("No live token '" + tokenId + "' for session " + id
                    + ". List them with GET /v1/sessions/" + id + "/tokens.");
        }
        return new Deleted("gateway.session.token.deleted", tokenId, true);
    }

    private GatewaySession session(String id) {
        return registry.get(id).orElseThrow(() -> ApiException.notFound(SessionResource.notFoundMessage(id)));
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalid("role", "missing_required_parameter",
                    "Send a JSON body such as {\"role\": \"subscriber\", \"ttl_seconds\": 600}.");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "invalid_json", "The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.invalid(null, "invalid_request", "The body must be a JSON object.");
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiException.invalid(f, "unknown_parameter", "Unknown parameter: '" + f
                        + "'. A token request takes 'role' and 'ttl_seconds'.");
            }
        }
        return tree;
    }
}
