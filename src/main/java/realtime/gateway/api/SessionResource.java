package realtime.gateway.api;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Caller;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.Frame;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionHub;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.SessionSnapshot;
import realtime.gateway.session.Subscriber;
import realtime.gateway.session.Transcript;
import realtime.gateway.session.TypeFilter;

/** The gateway's own session paths: list, inspect, close, feed audio, read the transcript, stream events. */
@Path("/v1/sessions")
@Tag(name = "Sessions", description = "The gateway's own session API: state, audio, commits, transcripts, events")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionRegistry registry;
    private final GatewayConfig config;

    public SessionResource(SessionRegistry registry, GatewayConfig config) {
        this.registry = registry;
        this.config = config;
    }

    /** The list view, newest first. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record SessionList(String object, List<SessionSnapshot> data) {
    }

    /** Newest first; a {@code client} key sees only the sessions it created. */
    @GET
    @Operation(summary = "List sessions", description = "Newest first, within retention; a client key sees only the "
            + "sessions it created, an admin key all.")
    public CompletionStage<SessionList> list(RoutingContext rc) {
        Caller.Key key = (Caller.Key) AccessFilter.caller(rc);
        List<CompletableFuture<SessionSnapshot>> views = registry.all().stream()
                .filter(s -> key.key().admin() || s.owner().equals(key.key().name()))
                .sorted(Comparator.comparingLong(GatewaySession::createdAt).reversed())
                .map(s -> s.snapshot().toCompletableFuture()).toList();
        return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
                .thenApply(v -> new SessionList("list", views.stream().map(CompletableFuture::join).toList()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One session", description = "State and reason, configuration, counters, usage and the "
            + "upstream connection (its own session id, reconnects, downtime, rotations).")
    public CompletionStage<SessionSnapshot> get(@PathParam("id") String id) {
        return session(id).snapshot();
    }

    /** Closes the upstream cleanly; subscribers get {@code gateway.session.closed}. Idempotent. */
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Close a session", description = "Closes the upstream cleanly; subscribers get "
            + "gateway.session.closed. Returns the session as it is then.")
    public CompletionStage<SessionSnapshot> close(@PathParam("id") String id) {
        GatewaySession s = session(id);
        s.close("closed by DELETE /v1/sessions/" + id);
        return s.snapshot();
    }

    /** Converted off the event loop (a WAV may need resampling); sent upstream as its write queue drains. */
    @POST
    @Path("/{id}/audio")
    @Operation(summary = "Send audio", description = "audio/wav (16-bit PCM, any rate and channel count), audio/pcm "
            + "(PCM16 LE mono, 24 kHz or ;rate=N) or application/octet-stream (the session's own format). Answered "
            + "once handed upstream, or at once with bytes_buffered while the upstream connection is not open. "
            + "?commit=true commits the turn after it.")
    @RequestBody(content = { @Content(mediaType = "audio/wav", schema = @Schema(type = org.eclipse.microprofile.openapi
            .annotations.enums.SchemaType.STRING, format = "binary")), @Content(mediaType = "audio/pcm",
                    schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                            format = "binary")) })
    @Consumes(MediaType.WILDCARD)
    @Blocking
    public CompletionStage<AudioAccepted> audio(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @QueryParam("commit") @DefaultValue("false") boolean commit, byte[] body) {
        GatewaySession s = session(id);
        AudioUploads.Upload up = AudioUploads.forSession(contentType, body, s.inputFormat(), s::acceptsPcmRate);
        long chunk = (long) config.upstream().appendChunkBytes() * up.format().bytesPerSecond()
                / s.inputFormat().bytesPerSecond();
        return s.upload(up.data(), up.format(), commit).thenApply(r -> {
            r.refusal().ifPresent(no -> {
                throw new Refusal.Rejected(no);
            });
            long bytes = up.data().length;
            return new AudioAccepted(id, r.bytesSent(), r.bytesBuffered(), (long) up.format().millis(bytes),
                    (int) ((bytes + chunk - 1) / chunk), commit);
        });
    }

    @POST
    @Path("/{id}/commit")
    @Operation(summary = "Commit the turn", description = "input_audio_buffer.commit upstream (manual turn detection).")
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<SessionSnapshot> commit(@PathParam("id") String id) {
        GatewaySession s = session(id);
        return s.commit().thenCompose(r -> view(s, r));
    }

    @POST
    @Path("/{id}/clear")
    @Operation(summary = "Clear the audio buffer", description = "input_audio_buffer.clear upstream.")
    @Consumes(MediaType.WILDCARD)
    public CompletionStage<SessionSnapshot> clear(@PathParam("id") String id) {
        GatewaySession s = session(id);
        return s.clear().thenCompose(r -> view(s, r));
    }

    private static CompletionStage<SessionSnapshot> view(GatewaySession s, Optional<Refusal> refusal) {
        refusal.ifPresent(no -> {
            throw new Refusal.Rejected(no);
        });
        return s.snapshot();
    }

    @GET
    @Path("/{id}/transcript")
    @Operation(summary = "The transcript", description = "Completed turns in speech order (JSON), or their text "
            + "joined by spaces (Accept: text/plain).")
    public CompletionStage<TranscriptView> transcript(@PathParam("id") String id) {
        return session(id).transcript().thenApply(t -> new TranscriptView(id, t.state(), t.text(), t.entries()));
    }

    @GET
    @Path("/{id}/transcript")
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<String> transcriptText(@PathParam("id") String id) {
        return session(id).transcript().thenApply(Transcript.View::text);
    }

    /** The session's stream as Server-Sent Events: {@code event:} the wire type, {@code id:} the sequence number. */
    @GET
    @Path("/{id}/events")
    @Operation(summary = "Events as Server-Sent Events", description = "Every frame of the session as it happens, "
            + "each with id: its sequence number; ?types= filters (prefix.*); Last-Event-ID resumes with a "
            + "gateway.replay first. The same stream is a WebSocket at the same path.")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @QueryParam("types") String types,
            @QueryParam("envelope") @DefaultValue("false") boolean envelope, @QueryParam("after") String afterParam,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse) {
        GatewaySession s = session(id);
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
                sink.close();
            }
        };
        if (after == null) {
            s.subscribe(sub);
        } else {
            s.resume(sub, after);
        }
    }

    private GatewaySession session(String id) {
        return registry.get(id).orElseThrow(() -> ApiException.notFound(notFoundMessage(id)));
    }

    static String notFoundMessage(String id) {
        return "No session with id '" + id + "'. List your sessions with GET /v1/sessions.";
    }
}
