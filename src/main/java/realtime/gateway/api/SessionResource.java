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
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Caller;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.SessionSnapshot;
import realtime.gateway.session.Transcript;
import realtime.gateway.export.Cues;
import realtime.gateway.export.Subtitles;
import realtime.gateway.export.VerboseJson;
import realtime.gateway.store.Store;

/**
 * The gateway's own session paths: list, inspect, close, feed audio, read and erase the transcript. The event
 * stream at {@code /{id}/events} is {@link SessionEventsResource} (SSE) and {@code ws.EventsRoute} (WebSocket).
 */
@Path("/v1/sessions")
@Tag(name = "Sessions", description = "The gateway's own session API: state, audio, commits, transcripts, events")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionRegistry registry;
    private final GatewayConfig config;
    private final Store store;

    public SessionResource(SessionRegistry registry, GatewayConfig config, Store store) {
        this.registry = registry;
        this.config = config;
        this.store = store;
    }

    /** The list view, newest first; {@code after} a page's {@code last_id} gives the next page. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    @realtime.gateway.event.Wire
    public record SessionList(String object, List<SessionSnapshot> data, String firstId, String lastId,
            boolean hasMore) {
    }

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** Newest first; a {@code client} key sees only the sessions it created. */
    @GET
    @Operation(summary = "List sessions", description = "Newest first: open sessions and those kept by the store "
            + "(gateway.store.retention); a client key sees only the sessions it created, an admin key all. ?limit= "
            + "(1-1000, default 100) and ?after=<last_id of the previous page> page through them.")
    public CompletionStage<SessionList> list(RoutingContext rc, @QueryParam("limit") String limitParam,
            @QueryParam("after") String after) {
        Caller.Key key = (Caller.Key) AccessFilter.caller(rc);
        int limit = limit(limitParam);
        String owner = key.key().admin() ? null : key.key().name();
        List<CompletableFuture<SessionSnapshot>> live = registry.all().stream()
                .filter(s -> owner == null || s.owner().equals(owner))
                .map(s -> s.snapshot().toCompletableFuture()).toList();
        CompletionStage<SessionSnapshot> cursor = after == null || after.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : known(after).thenApply(s -> s.filter(x -> owner == null || x.owner().equals(owner))
                        .orElseThrow(() -> new ApiException(400, ApiException.INVALID_REQUEST, "invalid_value",
                                "after: no session with id '" + after + "' to continue after; pass the last_id of the "
                                        + "previous page.", "after", null)));
        return cursor.thenCompose(from -> store.sessions(owner, from, limit).thenCompose(
                page -> CompletableFuture.allOf(live.toArray(CompletableFuture[]::new)).thenApply(v -> {
                    java.util.Map<String, SessionSnapshot> byId = new java.util.HashMap<>();
                    page.sessions().forEach(x -> byId.put(x.id(), x));
                    live.forEach(f -> byId.put(f.join().id(), f.join()));
                    List<SessionSnapshot> all = byId.values().stream()
                            .filter(x -> from == null || NEWEST_FIRST.compare(x, from) > 0)
                            .sorted(NEWEST_FIRST).toList();
                    boolean more = page.hasMore() || all.size() > limit;
                    List<SessionSnapshot> data = all.size() > limit ? all.subList(0, limit) : all;
                    return new SessionList("list", data, data.isEmpty() ? null : data.get(0).id(),
                            data.isEmpty() ? null : data.get(data.size() - 1).id(), more);
                })));
    }

    private static final Comparator<SessionSnapshot> NEWEST_FIRST = Comparator
            .comparingLong(SessionSnapshot::createdAt).thenComparing(SessionSnapshot::id).reversed();

    static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new ApiException(400, ApiException.INVALID_REQUEST, "invalid_value", "limit: '" + value
                + "' is not a whole number from 1 to " + MAX_LIMIT + ".", "limit", null);
    }

    /** The session as it is now: from memory when it is open or recent, else from the store. */
    private CompletionStage<Optional<SessionSnapshot>> known(String id) {
        Optional<GatewaySession> s = registry.get(id);
        return s.isPresent() ? s.get().snapshot().thenApply(Optional::of) : store.session(id);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One session", description = "State and reason, configuration, counters, usage and the "
            + "upstream connection (its own session id, reconnects, downtime, rotations). Sessions open when the "
            + "process stopped show failed, reason \"process restarted\".")
    public CompletionStage<SessionSnapshot> get(@PathParam("id") String id) {
        return known(id).thenApply(s -> s.orElseThrow(() -> ApiException.notFound(notFoundMessage(id))));
    }

    /** Closes the upstream cleanly; subscribers get {@code gateway.session.closed}. Idempotent. */
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Close a session", description = "Closes the upstream cleanly; subscribers get "
            + "gateway.session.closed. Returns the session as it is then.")
    public CompletionStage<SessionSnapshot> close(@PathParam("id") String id) {
        Optional<GatewaySession> live = registry.get(id);
        if (live.isEmpty()) { // already ended (before a restart, or past the in-memory retention): as it is
            return get(id);
        }
        live.get().close("closed by DELETE /v1/sessions/" + id);
        return live.get().snapshot();
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

    /** The formats of {@code GET /v1/sessions/{id}/transcript}, by {@code ?format=} name and media type. */
    enum Format {
        JSON("json", MediaType.APPLICATION_JSON), TEXT("text", "text/plain;charset=utf-8"),
        SRT("srt", "application/x-subrip;charset=utf-8"), VTT("vtt", "text/vtt;charset=utf-8"),
        VERBOSE_JSON("verbose_json", MediaType.APPLICATION_JSON);

        final String name;
        final String type;

        Format(String name, String type) {
            this.name = name;
            this.type = type;
        }

        static final String NAMES = "json, text, srt, vtt or verbose_json";

        /** {@code ?format=} when given, else the first of the Accept header's types that names one, else JSON. */
        static Format of(String format, String accept) {
            if (format != null && !format.isEmpty()) {
                for (Format f : values()) {
                    if (f.name.equalsIgnoreCase(format.strip())) {
                        return f;
                    }
                }
                throw new ApiException(400, ApiException.INVALID_REQUEST, "invalid_value", "format: '" + format
                        + "' is not a transcript format; use " + NAMES + ".", "format", null);
            }
            if (accept != null) {
                for (String part : accept.split(",")) {
                    String t = part.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
                    switch (t) {
                        case "application/json":
                            return JSON;
                        case "text/plain":
                            return TEXT;
                        case "application/x-subrip":
                        case "text/srt":
                            return SRT;
                        case "text/vtt":
                            return VTT;
                        default:
                            break;
                    }
                }
            }
            return JSON;
        }
    }

    @GET
    @Path("/{id}/transcript")
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "application/x-subrip", "text/vtt" })
    @Operation(summary = "The transcript", description = "Completed turns in speech order. ?format= json (the default: "
            + "items and their joined text), text, srt, vtt, or verbose_json (OpenAI's shape: text, language, duration, "
            + "segments with start/end in seconds); or by Accept (text/plain, application/x-subrip, text/vtt). Subtitle "
            + "cues are at most two lines of about 42 characters and 7 s. Kept by the store for gateway.store.retention "
            + "after the session closed, across restarts.")
    public CompletionStage<jakarta.ws.rs.core.Response> transcript(@PathParam("id") String id,
            @QueryParam("format") String format, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        Format f = Format.of(format, accept);
        return transcriptOf(id).thenApply(t -> {
            Transcript.View v = t.view();
            Object body = switch (f) {
                case JSON -> new TranscriptView(id, v.state(), v.text(), v.entries());
                case TEXT -> v.text();
                case SRT -> Subtitles.srt(Cues.of(v.entries()));
                case VTT -> Subtitles.vtt(Cues.of(v.entries()));
                case VERBOSE_JSON -> VerboseJson.of(v.text(), v.entries(), language(t.session()),
                        t.session().counters() == null ? null : t.session().counters().audioMsSent());
            };
            String filename = id + "." + (f == Format.TEXT ? "txt" : f == Format.VERBOSE_JSON ? "json" : f.name);
            var r = jakarta.ws.rs.core.Response.ok(body, f.type);
            if (f == Format.SRT || f == Format.VTT) {
                r.header("Content-Disposition", "inline; filename=\"" + filename + "\"");
            }
            return r.build();
        });
    }

    private static String language(SessionSnapshot s) {
        var cfg = s.config();
        if (cfg == null || cfg.audio() == null || cfg.audio().input() == null
                || cfg.audio().input().transcription() == null || cfg.audio().input().transcription().isEmpty()) {
            return null;
        }
        var lang = cfg.audio().input().transcription().get().language();
        return lang == null ? null : lang.orElse(null);
    }

    /** A transcript with the session it belongs to. */
    private record Exported(Transcript.View view, SessionSnapshot session) {
    }

    private CompletionStage<Exported> transcriptOf(String id) {
        Optional<GatewaySession> live = registry.get(id);
        if (live.isPresent()) {
            GatewaySession s = live.get();
            return s.transcript().thenCombine(s.snapshot(), Exported::new);
        }
        return store.session(id).thenCompose(s -> {
            SessionSnapshot stored = s.orElseThrow(() -> ApiException.notFound(notFoundMessage(id)));
            return store.turns(id).thenApply(rows -> new Exported(Transcript.restore(rows).view(stored.state()), stored));
        });
    }

    /** What {@code DELETE /v1/sessions/{id}/transcript} answers. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    @realtime.gateway.event.Wire
    public record TranscriptDeleted(String id, String object, boolean deleted, int itemsErased) {
    }

    @DELETE
    @Path("/{id}/transcript")
    @Operation(summary = "Erase the transcript", description = "Deletes the session's transcribed turns at once, in "
            + "memory and in the store, and its replay log; an audit line (who, when, how many items, never the text) "
            + "is kept. Turns completed afterwards are kept as usual. The session itself stays listed.")
    public CompletionStage<TranscriptDeleted> eraseTranscript(@PathParam("id") String id, RoutingContext rc) {
        String actor = AccessFilter.caller(rc).describe();
        Optional<GatewaySession> live = registry.get(id);
        CompletionStage<Integer> inMemory = live.isPresent() ? live.get().eraseTranscript()
                : store.session(id).thenApply(s -> {
                    s.orElseThrow(() -> ApiException.notFound(notFoundMessage(id)));
                    return -1;
                });
        return inMemory.thenCompose(n -> store.eraseTranscript(id, actor)
                .thenApply(stored -> new TranscriptDeleted(id, "gateway.transcript", true,
                        Math.max(n, store.persistent() ? stored : 0))));
    }

    private GatewaySession session(String id) {
        return registry.get(id).orElseThrow(() -> ApiException.notFound(notFoundMessage(id)));
    }

    static String notFoundMessage(String id) {
        return "No session with id '" + id + "'. List your sessions with GET /v1/sessions.";
    }
}
