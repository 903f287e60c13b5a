package realtime.gateway.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import realtime.gateway.auth.Accounts;
import realtime.gateway.auth.Caller;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.export.Cues;
import realtime.gateway.export.Subtitles;
import realtime.gateway.export.VerboseJson;
import realtime.gateway.session.Frame;
import realtime.gateway.session.GatewaySession;
import realtime.gateway.session.Refusal;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.session.SessionUsage;
import realtime.gateway.session.Subscriber;
import realtime.gateway.session.Transcript;
import realtime.gateway.session.TypeFilter;

/**
 * OpenAI's file transcription call, {@code POST /v1/audio/transcriptions}, so every official SDK works with the
 * gateway as its base URL: the file runs through a transcription session on the configured upstream (or the
 * local engine, offline), owned by the caller like any other (listed, stored, charged to its quotas), with
 * turns cut by server VAD; the answer comes when the last turn has completed.
 */
@Path("/v1/audio/transcriptions")
@Tag(name = "Audio", description = "OpenAI's file transcription call")
public class TranscriptionResource {

    static final Set<String> FORMATS = Set.of("json", "text", "srt", "verbose_json", "vtt");
    static final String DELTA = "conversation.item.input_audio_transcription.delta";
    static final String COMPLETED = "conversation.item.input_audio_transcription.completed";
    /** How long the last turns may take after the audio is in, on top of the audio's own length. */
    static final long DRAIN_BASE_MS = 30_000;

    private final SessionRegistry registry;
    private final Accounts accounts;
    private final TranscriptionConfigs configs;
    private final ObjectMapper json = RealtimeCodec.newMapper();

    public TranscriptionResource(SessionRegistry registry, Accounts accounts, TranscriptionConfigs configs) {
        this.registry = registry;
        this.accounts = accounts;
        this.configs = configs;
    }

    /** The parts of the form, as sent. */
    record Form(byte[] file, String fileName, String model, String language, String prompt, String format,
            boolean stream, boolean logprobs) {
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.SERVER_SENT_EVENTS })
    @Blocking
    @Operation(summary = "Transcribe an audio file (OpenAI's create transcription)", description = "multipart/form-data: "
            + "file (WAV 16-bit PCM, AIFF or AU), model, language, prompt, response_format (json, text, srt, "
            + "verbose_json, vtt; default json), temperature (accepted), stream (true: Server-Sent Events "
            + "transcript.text.delta, then transcript.text.done), include[]=logprobs. The file runs through a session "
            + "owned by the caller (listed and stored like any other); the answer comes when its last turn completed.")
    public Response transcribe(@RestForm("file") FileUpload file, @RestForm("model") String model,
            @RestForm("language") String language, @RestForm("prompt") String prompt,
            @RestForm("response_format") String responseFormat, @RestForm("temperature") String temperature,
            @RestForm("stream") String stream, @RestForm("include[]") List<String> include, RoutingContext rc)
            throws IOException {
        // A worker thread: it waits for the session (and, unless streaming, the whole transcription) here, and a
        // streamed answer is written from here, never from an event loop.
        Caller.Key key = (Caller.Key) AccessFilter.caller(rc);
        Form form = form(file, model, language, prompt, responseFormat, temperature, stream, include);
        TranscriptionConfigs.Accepted accepted = config(form);
        GatewaySession s = join(accounts.createSession(key.key(), accepted.config(), accepted.secretTtl())).session();
        AudioUploads.Upload audio;
        try {
            audio = AudioUploads.forFile(form.file(), form.fileName(), s.inputFormat(), s::acceptsPcmRate);
        } catch (RuntimeException e) {
            s.close("the transcription request's file was refused");
            throw e;
        }
        long audioMs = (long) audio.format().millis(audio.data().length);
        Events events = form.stream() ? new Events(form.logprobs()) : null;
        if (events != null) {
            s.subscribe(events);
        }
        CompletionStage<Void> done = s.upload(audio.data(), audio.format(), false).thenCompose(up -> {
            if (up.refusal().isPresent()) {
                s.close("the transcription request's audio was refused");
                throw new Refusal.Rejected(up.refusal().get());
            }
            s.drainAndClose("transcription request complete", DRAIN_BASE_MS + audioMs);
            return s.finished();
        });
        if (events != null) {
            return Response.ok(stream(s, events, done), MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache")
                    .build();
        }
        join(done);
        return answer(form, join(s.transcript()), join(s.snapshot()), audioMs);
    }

    /** Waits for {@code stage}; a refusal or API error it failed with is thrown as it is, for the mappers. */
    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private Form form(FileUpload file, String model, String language, String prompt, String responseFormat,
            String temperature, String stream, List<String> include) throws IOException {
        if (file == null || file.uploadedFile() == null) {
            throw ApiException.invalid("file", "missing_required_parameter", "file: missing. Send the audio as the "
                    + "multipart/form-data part 'file' (" + AudioUploads.FILE_FORMATS + ").");
        }
        if (model == null || model.isBlank()) {
            throw ApiException.invalid("model", "missing_required_parameter", "model: missing. Name a transcription "
                    + "model, e.g. gpt-4o-mini-transcribe (the local engine takes any name).");
        }
        String format = responseFormat == null || responseFormat.isBlank() ? "json"
                : responseFormat.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw ApiException.invalid("response_format", "invalid_value", "response_format: '" + responseFormat
                    + "' is not one of json, text, srt, verbose_json, vtt.");
        }
        if (temperature != null && !temperature.isBlank()) {
            double t;
            try {
                t = Double.parseDouble(temperature.strip());
            } catch (NumberFormatException e) {
                t = Double.NaN;
            }
            if (!(t >= 0 && t <= 1)) {
                throw ApiException.invalid("temperature", "invalid_value", "temperature: '" + temperature
                        + "' is not a number from 0 to 1.");
            }
        }
        boolean streaming = bool(stream, "stream");
        boolean logprobs = false;
        if (include != null) {
            for (String i : include) {
                if (!"logprobs".equals(i)) {
                    throw ApiException.invalid("include[]", "invalid_value", "include[]: '" + i + "' is not known; the "
                            + "one value is logprobs.");
                }
                logprobs = true;
            }
        }
        return new Form(Files.readAllBytes(file.uploadedFile()), file.fileName() == null ? "file" : file.fileName(),
                model.strip(), blank(language), blank(prompt), format, streaming, logprobs);
    }

    private static boolean bool(String v, String param) {
        if (v == null || v.isBlank() || v.strip().equalsIgnoreCase("false")) {
            return false;
        }
        if (v.strip().equalsIgnoreCase("true")) {
            return true;
        }
        throw ApiException.invalid(param, "invalid_value", param + ": '" + v + "' is not true or false.");
    }

    private static String blank(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The session's configuration, validated as a create body is; errors name this call's fields. */
    private TranscriptionConfigs.Accepted config(Form f) {
        ObjectNode body = json.createObjectNode();
        body.put("input_audio_format", "pcm16");
        ObjectNode t = body.putObject("input_audio_transcription");
        t.put("model", f.model());
        if (f.language() != null) {
            t.put("language", f.language());
        }
        if (f.prompt() != null) {
            t.put("prompt", f.prompt());
        }
        body.putObject("turn_detection").put("type", "server_vad");
        if (f.logprobs()) {
            body.putArray("include").add("item.input_audio_transcription.logprobs");
        }
        try {
            return configs.fromBeta(body.toString());
        } catch (Refusal.Rejected e) {
            if (e.refusal() instanceof Refusal.InvalidParameter p && p.param() != null
                    && p.param().startsWith("input_audio_transcription.")) {
                String param = p.param().substring("input_audio_transcription.".length());
                throw ApiException.invalid(param, p.code(), p.message().replace("input_audio_transcription.", ""));
            }
            throw e;
        }
    }

    private Response answer(Form f, Transcript.View t, realtime.gateway.session.SessionSnapshot snap, long audioMs) {
        String text = t.text();
        return switch (f.format()) {
            case "text" -> Response.ok(text + "\n", "text/plain;charset=utf-8").build();
            case "srt" -> Response.ok(Subtitles.srt(Cues.of(t.entries())), "text/plain;charset=utf-8").build();
            case "vtt" -> Response.ok(Subtitles.vtt(Cues.of(t.entries())), "text/plain;charset=utf-8").build();
            case "verbose_json" -> Response.ok(VerboseJson.of(text, t.entries(), f.language(), audioMs),
                    MediaType.APPLICATION_JSON).build();
            default -> {
                ObjectNode out = json.createObjectNode();
                out.put("text", text);
                if (f.logprobs()) {
                    var all = out.putArray("logprobs");
                    t.entries().forEach(e -> {
                        if (e.logprobs() != null) {
                            e.logprobs().forEach(p -> all.add(json.valueToTree(p)));
                        }
                    });
                }
                out.set("usage", usage(snap.usage(), audioMs));
                yield Response.ok(out, MediaType.APPLICATION_JSON).build();
            }
        };
    }

    /** OpenAI's usage: tokens when the upstream billed tokens, else the audio's duration in seconds. */
    private ObjectNode usage(SessionUsage u, long audioMs) {
        ObjectNode out = json.createObjectNode();
        SessionUsage.Upstream up = u == null ? null : u.upstream();
        if (up != null && up.totalTokens() > 0) {
            out.put("type", "tokens").put("input_tokens", up.inputTokens()).put("output_tokens", up.outputTokens())
                    .put("total_tokens", up.totalTokens());
            out.putObject("input_token_details").put("text_tokens", up.inputTextTokens())
                    .put("audio_tokens", up.inputAudioTokens());
        } else {
            out.put("type", "duration").put("seconds", Math.max(1, Math.round(Math.ceil(audioMs / 1000.0))));
        }
        return out;
    }

    /** Deltas and completions of the session, for a streamed answer; the end is signalled by {@link #END}. */
    final class Events extends Subscriber {
        static final String END = "";
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final boolean logprobs;

        Events(boolean logprobs) {
            super("transcription-stream", TypeFilter.parse(DELTA + "," + COMPLETED), false, false, Integer.MAX_VALUE);
            this.logprobs = logprobs;
        }

        @Override
        protected void send(Frame frame, String text, Runnable written) {
            frames.add(text);
            written.run();
        }

        @Override
        protected void closeTransport(int code, String reason) {
            frames.add(END);
        }
    }

    /**
     * Writes {@code transcript.text.delta} for each delta as it comes (deltas of turns after the first carry the
     * space between turns), then {@code transcript.text.done} with the whole text in speech order.
     */
    private StreamingOutput stream(GatewaySession s, Events events, CompletionStage<Void> done) {
        return out -> {
            boolean first = true;
            java.util.Set<String> started = new java.util.HashSet<>();
            try {
                for (String frame = events.frames.poll(1, TimeUnit.HOURS); frame != null && !frame.equals(Events.END);
                        frame = events.frames.poll(1, TimeUnit.HOURS)) {
                    var node = json.readTree(frame);
                    if (!DELTA.equals(node.path("type").asText())) {
                        continue;
                    }
                    String delta = node.path("delta").asText("");
                    if (delta.isEmpty()) {
                        continue;
                    }
                    String item = node.path("item_id").asText();
                    if (started.add(item) && !first && !delta.startsWith(" ")) {
                        delta = " " + delta;
                    }
                    first = false;
                    ObjectNode e = json.createObjectNode().put("type", "transcript.text.delta").put("delta", delta);
                    if (events.logprobs && node.has("logprobs")) {
                        e.set("logprobs", node.get("logprobs"));
                    }
                    event(out, e);
                }
                done.toCompletableFuture().get(1, TimeUnit.MINUTES);
                Transcript.View t = s.transcript().toCompletableFuture().get(1, TimeUnit.MINUTES);
                ObjectNode e = json.createObjectNode().put("type", "transcript.text.done").put("text", t.text());
                realtime.gateway.session.SessionSnapshot snap = s.snapshot().toCompletableFuture().get(1, TimeUnit.MINUTES);
                SessionUsage.Upstream up = snap.usage() == null ? null : snap.usage().upstream();
                if (up != null && up.totalTokens() > 0) {
                    e.set("usage", usage(snap.usage(), 0));
                }
                event(out, e);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
                ObjectNode err = json.createObjectNode();
                err.putObject("error").put("message", "the transcription did not finish: " + ex.getMessage())
                        .put("type", "server_error");
                event(out, err);
            } finally {
                s.unsubscribe(events);
            }
        };
    }

    private void event(OutputStream out, ObjectNode e) throws IOException {
        out.write(("data: " + json.writeValueAsString(e) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
