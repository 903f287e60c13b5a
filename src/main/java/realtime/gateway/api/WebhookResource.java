package realtime.gateway.api;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Caller;
import realtime.gateway.event.Wire;
import realtime.gateway.store.Outbox;
import realtime.gateway.store.Deliveries;

/** The webhook outbox: what was sent, what is waiting, what was given up, and sending one again. */
@Path("/v1/webhooks/deliveries")
@Tag(name = "Webhooks", description = "Signed event deliveries (gateway.webhooks.*)")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    static final Set<String> STATUSES = Set.of(Outbox.PENDING, Outbox.DELIVERED, Outbox.FAILED);

    private final Deliveries deliveries;

    public WebhookResource(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Wire
    @RegisterForReflection
    public record DeliveryList(String object, List<Outbox.Delivery> data) {
    }

    @GET
    @Operation(summary = "List webhook deliveries", description = "Newest first; ?status=pending|delivered|failed, "
            + "?limit=1-1000 (default 100). Each with its attempts, next attempt, last error. A client key sees the "
            + "deliveries about its own sessions, an admin key all.")
    public CompletionStage<DeliveryList> list(RoutingContext rc, @QueryParam("status") String status,
            @QueryParam("limit") String limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("status", "invalid_value", "status: '" + status
                    + "' is not pending, delivered or failed.");
        }
        int n = SessionResource.limit(limit);
        return deliveries.list(owner(rc), status, n).thenApply(d -> new DeliveryList("list", d));
    }

    @POST
    @Path("/{id}/retry")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Send a delivery again", description = "Makes a pending or given-up delivery due now, with a "
            + "fresh gateway.webhooks.max-age to be retried in; a delivered one is refused with 409.")
    public CompletionStage<Outbox.Delivery> retry(@PathParam("id") String id, RoutingContext rc) {
        String owner = owner(rc);
        return deliveries.get(id).thenCompose(found -> {
            Outbox.Delivery d = found.filter(x -> owner == null || owner.equals(x.owner()))
                    .orElseThrow(() -> ApiException.notFound("No webhook delivery with id '" + id
                            + "'. List them with GET /v1/webhooks/deliveries."));
            if (Outbox.DELIVERED.equals(d.status())) {
                throw new ApiException(409, ApiException.INVALID_REQUEST, "already_delivered", "Delivery " + id
                        + " was delivered; receivers deduplicate by webhook-id, so it is not sent again.", null, null);
            }
            return deliveries.retry(id).thenCompose(v -> deliveries.get(id)).thenApply(x -> x.orElseThrow());
        });
    }

    /** The key whose deliveries the caller sees; null for an admin (all). */
    private static String owner(RoutingContext rc) {
        Caller.Key key = (Caller.Key) AccessFilter.caller(rc);
        return key.key().admin() ? null : key.key().name();
    }
}
