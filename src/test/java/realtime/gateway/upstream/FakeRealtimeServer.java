package realtime.gateway.upstream;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;

/**
 * A Realtime upstream for tests, on its own Vert.x and a random loopback port. It checks the URL, query
 * and auth header, answers {@code session.update} as the real service does, runs a simple energy VAD over
 * appended PCM16 and turns each turn (or manual commit) into the event sequence of protocol.md §f.2
 * (GA) or §f.1 (beta). Tests can also make it send any frame, garbage, or close with any code.
 */
public final class FakeRealtimeServer {

    /** The key the fake accepts; not a real key. */
    public static final String KEY = "test-upstream-key-not-real";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final List<Conn> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private HttpServer server;
    private volatile List<String> transcripts = List.of("hello world");
    private volatile boolean holdCompletions;
    /** Turns transcribed so far, across connections: {@link #transcripts} are taken in this order. */
    private final AtomicInteger turnCount = new AtomicInteger();
    /** Handshakes still to refuse, and how (an HTTP status, or "invalid_api_key" after the upgrade). */
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile String refusal = "503";
    /** Close code for the next caller session.update (not the gateway's first one on a connection); 0: none. */
    private final AtomicInteger dropOnUpdate = new AtomicInteger();
    /** Each connection ends itself this long after it opened, as OpenAI's GA does at its cap; 0: never. */
    private volatile long maxAgeMs;

    public FakeRealtimeServer start() {
        CompletableFuture<HttpServer> started = new CompletableFuture<>();
        vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(32 << 20)
                .setMaxWebSocketMessageSize(32 << 20))
                .webSocketHandler(this::accept)
                .listen(0, "127.0.0.1").onSuccess(started::complete).onFailure(started::completeExceptionally);
        server = started.join();
        return this;
    }

    public void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "ws://127.0.0.1:" + port() + "/v1/realtime";
    }

    /** Texts used for successive turns from now on, across connections, starting with the first (cycled). */
    public void transcripts(List<String> texts) {
        this.transcripts = List.copyOf(texts);
        turnCount.set(0);
    }

    /** While on, {@code completed} events are held back; {@link Conn#releaseCompletionsReversed()} sends them. */
    public void holdCompletions(boolean hold) {
        this.holdCompletions = hold;
    }

    /**
     * The next {@code n} connects are refused: {@code how} is an HTTP status for the handshake ("401", "503"),
     * or "invalid_api_key" for an upgrade followed by an error event and close 3000, as OpenAI does.
     */
    public void refuse(int n, String how) {
        refusal = how;
        refusals.set(n);
    }

    /** The next session.update a caller sends is answered by closing the connection with {@code code}. */
    public void dropOnNextCallerUpdate(int code) {
        dropOnUpdate.set(code);
    }

    /** Every connection opened from now on closes itself with 1001 once {@code ms} old (0: never). */
    public void maxAge(long ms) {
        maxAgeMs = ms;
    }

    public List<Conn> connections() {
        return connections;
    }

    /** The newest connection. */
    public Conn last() {
        return connections.get(connections.size() - 1);
    }

    /** How many upstream connections the gateway has opened so far. */
    public int count() {
        return connections.size();
    }

    /** Resets scripted behaviour between tests (connections are kept for inspection). */
    public void reset() {
        transcripts = List.of("hello world");
        holdCompletions = false;
        turnCount.set(0);
        refusals.set(0);
        dropOnUpdate.set(0);
        maxAgeMs = 0;
    }

    private void accept(ServerWebSocket ws) {
        if (!"/v1/realtime".equals(ws.path())) {
            ws.reject(404);
            return;
        }
        boolean refuse = refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (refuse && !"invalid_api_key".equals(refusal)) {
            ws.reject(Integer.parseInt(refusal));
            return;
        }
        Conn c = new Conn(ws, connections.size(), refuse);
        connections.add(c);
        c.open();
    }

    /** One upstream connection, as the fake sees it. */
    public final class Conn {

        public final ServerWebSocket ws;
        public final int index;
        public final String path;
        public final String query;
        public final MultiMap headers;
        /** Every text frame the gateway sent, in order. */
        public final List<String> received = new CopyOnWriteArrayList<>();
        /** Every text frame this fake sent, in order. */
        public final List<String> sent = new CopyOnWriteArrayList<>();
        public volatile Integer closeCode;
        private final boolean beta;
        private final String sessionId = "sess_fake" + ids.incrementAndGet();
        private ObjectNode input;
        private long bufferedSamples;
        private long totalSamples;
        private boolean inSpeech;
        private long speechStartSample;
        private long silenceSamples;
        private String speechItem;
        private String previousItem;
        private int turns;
        private int events;
        private final List<String> held = new ArrayList<>();

        private final boolean badKey;
        private int updates;

        Conn(ServerWebSocket ws, int index, boolean badKey) {
            this.badKey = badKey;
            this.ws = ws;
            this.index = index;
            this.path = ws.path();
            this.query = ws.query();
            this.headers = MultiMap.caseInsensitiveMultiMap().addAll(ws.headers());
            this.beta = "realtime=v1".equals(ws.headers().get("OpenAI-Beta"));
            this.input = JSON.createObjectNode();
            input.putObject("format").put("type", "audio/pcm").put("rate", 24000);
            input.putNull("transcription");
            input.putNull("noise_reduction");
            input.putObject("turn_detection").put("type", "server_vad").put("threshold", 0.5)
                    .put("prefix_padding_ms", 300).put("silence_duration_ms", 200);
        }

        void open() {
            ws.closeHandler(v -> closeCode = ws.closeStatusCode() == null ? 1006 : (int) ws.closeStatusCode());
            if (badKey || !("Bearer " + KEY).equals(headers.get("Authorization"))) {
                send(error("invalid_request_error", "invalid_api_key", "Incorrect API key provided.", null, null));
                close(3000, "invalid_request_error.invalid_api_key");
                return;
            }
            if (!"intent=transcription".equals(query)) {
                send(error("invalid_request_error", "missing_model", "Missing model or intent.", null, null));
                close(4000, "invalid_request_error.missing_model");
                return;
            }
            ws.textMessageHandler(this::onText);
            send(sessionEvent(beta ? "transcription_session.created" : "session.created"));
            long age = maxAgeMs;
            if (age > 0) {
                vertx.setTimer(age, t -> close(1001, "Your session hit the maximum duration of " + age + " ms."));
            }
        }

        /** Sends any text as-is. */
        public void send(String text) {
            sent.add(text);
            ws.writeTextMessage(text);
        }

        /** Sends one corpus file's JSON compacted to one line. */
        public void sendJson(String json) {
            try {
                send(JSON.writeValueAsString(JSON.readTree(json)));
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }

        public void close(int code, String reason) {
            vertx.runOnContext(v -> ws.close((short) code, reason));
        }

        /** The {@code completed} events held so far, sent in reverse order. */
        public void releaseCompletionsReversed() {
            vertx.runOnContext(v -> {
                for (int i = held.size() - 1; i >= 0; i--) {
                    send(held.get(i));
                }
                held.clear();
            });
        }

        /** Received frames decoded, for assertions. */
        public List<JsonNode> receivedJson() {
            List<JsonNode> out = new ArrayList<>();
            for (String r : received) {
                try {
                    out.add(JSON.readTree(r));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }

        private void onText(String text) {
            received.add(text);
            JsonNode ev;
            try {
                ev = JSON.readTree(text);
            } catch (Exception e) {
                send(error("invalid_request_error", "invalid_json", "Invalid JSON.", null, null));
                return;
            }
            String type = ev.path("type").asText();
            String clientId = ev.path("event_id").isTextual() ? ev.get("event_id").asText() : null;
            switch (type) {
                case "session.update" -> {
                    JsonNode s = ev.path("session");
                    int drop = ++updates > 1 ? dropOnUpdate.getAndSet(0) : 0;
                    if (drop != 0) {
                        ws.close((short) drop, "dropped during session.update");
                    } else if (beta) {
                        send(error("invalid_request_error", "invalid_value", "Invalid value: 'session.update'.", "type",
                                clientId));
                    } else if (!"transcription".equals(s.path("type").asText())) {
                        send(error("invalid_request_error", "invalid_value", "session.type must be transcription",
                                "session.type", clientId));
                    } else {
                        merge(s.path("audio").path("input"));
                        send(sessionEvent("session.updated"));
                    }
                }
                case "transcription_session.update" -> {
                    if (!beta) {
                        send(error("invalid_request_error", "invalid_value",
                                "Invalid value: 'transcription_session.update'.", "type", clientId));
                    } else {
                        JsonNode s = ev.path("session");
                        ObjectNode ga = JSON.createObjectNode();
                        if (s.has("turn_detection")) {
                            ga.set("turn_detection", s.get("turn_detection"));
                        }
                        if (s.has("input_audio_transcription")) {
                            ga.set("transcription", s.get("input_audio_transcription"));
                        }
                        merge(ga);
                        send(sessionEvent("transcription_session.updated"));
                    }
                }
                case "input_audio_buffer.append" -> append(Base64.getDecoder().decode(ev.path("audio").asText()));
                case "input_audio_buffer.commit" -> {
                    if (bufferedSamples < 2400) {
                        send(error("invalid_request_error", "input_audio_buffer_commit_empty",
                                "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has "
                                        + (bufferedSamples / 24) + ".00ms of audio.", null, clientId));
                    } else {
                        String item = speechItem != null ? speechItem : newItem();
                        inSpeech = false;
                        speechItem = null;
                        turn(item);
                    }
                }
                case "input_audio_buffer.clear" -> {
                    bufferedSamples = 0;
                    inSpeech = false;
                    speechItem = null;
                    send(obj("input_audio_buffer.cleared").toString());
                }
                default -> send(error("invalid_request_error", "invalid_value",
                        "Invalid value: '" + type + "'.", "type", clientId));
            }
        }

        private void merge(JsonNode patch) {
            patch.fields().forEachRemaining(e -> input.set(e.getKey(), e.getValue()));
        }

        private void append(byte[] audio) {
            JsonNode td = input.get("turn_detection");
            boolean vad = td != null && !td.isNull();
            double threshold = vad ? td.path("threshold").asDouble(0.5) : 0.5;
            long prefixMs = vad ? td.path("prefix_padding_ms").asLong(300) : 300;
            long silenceMs = vad ? td.path("silence_duration_ms").asLong(200) : 200;
            int frame = 240; // 10 ms at 24 kHz
            for (int off = 0; off + 1 < audio.length; off += frame * 2) {
                int n = Math.min(frame, (audio.length - off) / 2);
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    short s = (short) ((audio[off + 2 * i] & 0xff) | (audio[off + 2 * i + 1] << 8));
                    sum += (double) s * s;
                }
                double rms = Math.sqrt(sum / Math.max(1, n));
                totalSamples += n;
                bufferedSamples += n;
                if (!vad) {
                    continue;
                }
                boolean speech = rms >= 2000 * threshold;
                if (speech && !inSpeech) {
                    inSpeech = true;
                    silenceSamples = 0;
                    speechStartSample = totalSamples - n;
                    speechItem = newItem();
                    ObjectNode e = obj("input_audio_buffer.speech_started");
                    e.put("audio_start_ms", Math.max(0, speechStartSample / 24 - prefixMs));
                    e.put("item_id", speechItem);
                    send(e.toString());
                } else if (inSpeech && !speech) {
                    silenceSamples += n;
                    if (silenceSamples / 24 >= silenceMs) {
                        inSpeech = false;
                        ObjectNode e = obj("input_audio_buffer.speech_stopped");
                        e.put("audio_end_ms", (totalSamples - silenceSamples) / 24 + silenceMs);
                        e.put("item_id", speechItem);
                        send(e.toString());
                        String item = speechItem;
                        speechItem = null;
                        turn(item);
                    }
                } else if (speech) {
                    silenceSamples = 0;
                }
            }
        }

        private void turn(String item) {
            long ms = bufferedSamples / 24;
            bufferedSamples = 0;
            turns++;
            String text = transcripts.get((turnCount.getAndIncrement()) % transcripts.size());
            ObjectNode committed = obj("input_audio_buffer.committed");
            if (previousItem == null) {
                committed.putNull("previous_item_id");
            } else {
                committed.put("previous_item_id", previousItem);
            }
            committed.put("item_id", item);
            send(committed.toString());
            ObjectNode it = JSON.createObjectNode();
            it.put("id", item).put("type", "message").put("status", "completed").put("role", "user");
            it.putArray("content").addObject().put("type", "input_audio").putNull("transcript");
            if (beta) {
                ObjectNode created = obj("conversation.item.created");
                created.set("previous_item_id", committed.get("previous_item_id"));
                created.set("item", it);
                send(created.toString());
            } else {
                for (String t : List.of("conversation.item.added", "conversation.item.done")) {
                    ObjectNode e = obj(t);
                    e.set("previous_item_id", committed.get("previous_item_id"));
                    e.set("item", it);
                    send(e.toString());
                }
            }
            previousItem = item;
            String[] words = text.split(" ");
            for (int i = 0; i < words.length; i++) {
                ObjectNode d = obj("conversation.item.input_audio_transcription.delta");
                d.put("item_id", item).put("content_index", 0).put("delta", (i == 0 ? "" : " ") + words[i]);
                if (!beta) {
                    d.put("obfuscation", "x" + i);
                }
                send(d.toString());
            }
            ObjectNode done = obj("conversation.item.input_audio_transcription.completed");
            done.put("item_id", item).put("content_index", 0).put("transcript", text);
            done.putObject("usage").put("type", "tokens").put("total_tokens", ms / 20 + words.length)
                    .put("input_tokens", ms / 20).put("output_tokens", words.length);
            if (holdCompletions) {
                held.add(done.toString());
            } else {
                send(done.toString());
            }
        }

        private String newItem() {
            return "item_fake" + ids.incrementAndGet();
        }

        private ObjectNode obj(String type) {
            ObjectNode o = JSON.createObjectNode();
            o.put("type", type);
            o.put("event_id", "event_fake" + index + "_" + (++events));
            return o;
        }

        private String sessionEvent(String type) {
            ObjectNode e = obj(type);
            ObjectNode s = e.putObject("session");
            if (beta) {
                s.put("id", sessionId).put("object", "realtime.transcription_session").put("expires_at", 0);
                s.putArray("modalities").add("audio").add("text");
                s.put("input_audio_format", "pcm16");
                s.set("input_audio_transcription", input.get("transcription"));
                s.set("turn_detection", input.get("turn_detection"));
                s.set("input_audio_noise_reduction", input.get("noise_reduction"));
                s.putNull("include");
                s.putNull("client_secret");
            } else {
                s.put("type", "transcription").put("object", "realtime.transcription_session").put("id", sessionId)
                        .put("expires_at", System.currentTimeMillis() / 1000 + 3600);
                s.putObject("audio").set("input", input.deepCopy());
                s.putNull("include");
            }
            return e.toString();
        }

        private String error(String type, String code, String message, String param, String eventId) {
            ObjectNode e = obj("error");
            ObjectNode d = e.putObject("error");
            d.put("type", type).put("code", code).put("message", message);
            if (param == null) {
                d.putNull("param");
            } else {
                d.put("param", param);
            }
            if (eventId == null) {
                d.putNull("event_id");
            } else {
                d.put("event_id", eventId);
            }
            return e.toString();
        }
    }

    static Map<String, String> config(FakeRealtimeServer s) {
        return Map.of("gateway.upstream.url", s.url(), "gateway.upstream.api-key", KEY);
    }
}
