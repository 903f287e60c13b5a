package realtime.gateway.api;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.ScopedTokens;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.edge.Keepalive;
import realtime.gateway.session.Frame;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.SessionHub;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.Subscriber;
import realtime.gateway.session.TypeFilter;

/**
 * A session's event stream as Server-Sent Events, with keepalive comments, resumption and the end of the stream
 * when its token is revoked. The same path as a WebSocket is {@code ws.EventsRoute}.
 */
@Path("/v1/sessions/{id}/events")
@Tag(name = "Sessions", description = "The gateway's own session API: state, audio, commits, transcripts, events")
public class SessionEventsResource {

    private final SessionRegistry registry;
    private final GatewayConfig config;
    private final Keepalive keepalive;
    private final ScopedTokens tokens;

    public SessionEventsResource(SessionRegistry registry, GatewayConfig config, Keepalive keepalive,
            ScopedTokens tokens) {
        this.registry = registry;
        this.config = config;
        this.keepalive = keepalive;
        this.tokens = tokens;
    }

    /** The session's stream as Server-Sent Events: {@code event:} the wire type, {@code id:} the sequence number. */
    @GET
    @Operation(summary = "Events as Server-Sent Events", description = "Every frame of the session as it happens, "
            + "each with id: its sequence number; ?types= filters (prefix.*); Last-Event-ID resumes with a "
            + "gateway.replay first. The same stream is a WebSocket at the same path.")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @QueryParam("types") String types,
            @QueryParam("envelope") @DefaultValue("false") boolean envelope, @QueryParam("after") String afterParam,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse,
            @Context io.vertx.core.http.HttpServerResponse response, RoutingContext rc) {
        GatewaySession s = registry.get(id)
                .orElseThrow(() -> ApiException.notFound(SessionResource.notFoundMessage(id)));
        // A browser's EventSource sends Last-Event-ID by itself when it reconnects.
        Long after = afterParam != null ? SessionHub.after(afterParam, "after")
                : SessionHub.after(lastEventId, "Last-Event-ID");
        Subscriber sub = new Subscriber("sse", TypeFilter.parse(types), envelope, true, config.fanout().maxPending()) {
            @Override
            protected void send(Frame frame, String text, Runnable written) {
                sink.send(sse.newEventBuilder().id(Long.toString(frame.seq()))
                        .name(frame.type() == null ? "message" : frame.type()).data(text).build())
                        .whenComplete((ok, err) -> {
                            written.run();
                            if (err != null) {
                                s.unsubscribe(this);
                                close(1001, "client gone");
                            }
                        });
            }

            @Override
            protected void closeTransport(int code, String reason) {
                if (code == Subscriber.SLOW_CONSUMER) {
                    // It stopped reading: ending the stream would queue behind what it never read and leave the
                    // connection open for as long as the client likes. Close the connection itself.
                    response.close();
                    return;
                }
                sink.close();
            }
        };
        // A comment line every ping interval: a quiet session's stream outlives proxies' and the gateway's own
        // idle timeouts, and a client that has gone is found by the write failing.
        Keepalive.Beat beat = keepalive.stream(new SseComments(response), "sse " + rc.request().remoteAddress());
        // A token revoked while the stream is open ends it.
        Runnable unwatch = tokens.whenRevoked(AccessFilter.caller(rc), () -> {
            s.unsubscribe(sub);
            response.close();
        });
        rc.addEndHandler(v -> {
            unwatch.run();
            keepalive.remove(beat);
        });
        if (after == null) {
            s.subscribe(sub);
        } else {
            s.resume(sub, after);
        }
    }

    /** The keepalive of an SSE stream: a comment, which every SSE client ignores. */
    private record SseComments(io.vertx.core.http.HttpServerResponse response) implements Keepalive.Peer {

        @Override
        public void ping() {
            if (!response.closed() && !response.ended()) {
                response.write(": keepalive\n\n");
            }
        }

        @Override
        public void expire() {
            response.close();
        }
    }
}
