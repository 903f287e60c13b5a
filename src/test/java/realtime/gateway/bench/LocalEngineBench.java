package realtime.gateway.bench;

import static realtime.gateway.bench.BenchAuth.authorized;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.awaitility.Awaitility;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;

/**
 * Measures the local engine through a running gateway (see {@code bench/local-engine.sh}): word error
 * rate and real-time factor over the test utterances, time to the first delta, and how many sessions
 * streaming in real time one machine sustains. Bounded in time; prints its figures.
 */
public final class LocalEngineBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CLIPS = List.of("sense_and_sensibility_01_austen_64kb-0870",
            "sense_and_sensibility_01_austen_64kb-0880", "sense_and_sensibility_01_austen_64kb-0890",
            "sense_and_sensibility_01_austen_64kb-0920", "sense_and_sensibility_01_austen_64kb-0930");

    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Vertx vertx = Vertx.vertx();

    private LocalEngineBench(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        int maxSessions = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        LocalEngineBench b = new LocalEngineBench(base);
        try {
            b.accuracy();
            VoskAlone.measure(CLIPS);
            b.firstDelta();
            b.realTimeCapacity(maxSessions);
        } finally {
            b.vertx.close();
        }
        System.exit(0);
    }

    /** One subscriber's view of one session: frames with their arrival times. */
    private final class Watch {
        final String id;
        final WebSocket ws;
        final List<long[]> times = new CopyOnWriteArrayList<>();
        final List<JsonNode> events = new CopyOnWriteArrayList<>();

        Watch(String createBody) throws Exception {
            HttpResponse<String> r = http.send(authorized(URI.create(base + "/v1/realtime/transcription_sessions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(createBody))
                    .build(), HttpResponse.BodyHandlers.ofString());
            id = JSON.readTree(r.body()).get("id").asText();
            URI u = URI.create(base);
            ws = vertx.createWebSocketClient(new WebSocketClientOptions()).connect(authorized(new WebSocketConnectOptions())
                    .setHost(u.getHost()).setPort(u.getPort()).setURI("/v1/sessions/" + id + "/events"))
                    .map(w -> {
                        w.textMessageHandler(t -> {
                            try {
                                events.add(JSON.readTree(t));
                                times.add(new long[] { System.nanoTime() });
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        return w;
                    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        long timeOf(String type) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).path("type").asText().equals(type)) {
                    return times.get(i)[0];
                }
            }
            return -1;
        }

        JsonNode await(String type, long timeoutMs) {
            return Awaitility.await("a " + type + " on " + id).atMost(Duration.ofMillis(timeoutMs))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> events.stream().filter(e -> e.path("type").asText().equals(type)).findFirst(),
                            java.util.Optional::isPresent)
                    .orElseThrow();
        }

        /** Seconds from each turn's speech_stopped to its completed, for the first {@code n} turns. */
        List<Double> lags(int n, long timeoutMs) {
            Awaitility.await(n + " transcripts on " + id).atMost(Duration.ofMillis(timeoutMs))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> count("conversation.item.input_audio_transcription.completed") >= n);
            Map<String, Long> stopped = new HashMap<>();
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                JsonNode e = events.get(i);
                String type = e.path("type").asText();
                if (type.equals("input_audio_buffer.speech_stopped")) {
                    stopped.put(e.path("item_id").asText(), times.get(i)[0]);
                } else if (type.equals("conversation.item.input_audio_transcription.completed")) {
                    Long s = stopped.get(e.path("item_id").asText());
                    if (s != null) {
                        out.add((times.get(i)[0] - s) / 1e9);
                    }
                }
            }
            return out;
        }

        int count(String type) {
            int c = 0;
            for (JsonNode e : events) {
                if (e.path("type").asText().equals(type)) {
                    c++;
                }
            }
            return c;
        }

        void post(String contentType, byte[] body, boolean commit) throws Exception {
            http.send(authorized(URI.create(base + "/v1/sessions/" + id + "/audio" + (commit ? "?commit=true" : "")))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        void close() throws Exception {
            ws.close();
            http.send(authorized(URI.create(base + "/v1/sessions/" + id)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private void accuracy() throws Exception {
        accuracy("accuracy and speed (manual commit, one session at a time; first pass over the clips):", true);
        // Vosk's recognizers cache the parts of the graph they have visited: the same clips again decode faster
        // than new speech would (VoskAlone tells the two apart).
        accuracy("speed again, second pass (the same clips: audio the recognizers have decoded before):", false);
    }

    private void accuracy(String title, boolean perClip) throws Exception {
        Map<String, String> refs = realtime.gateway.testing.Wer.references();
        int errors = 0;
        int words = 0;
        double audioS = 0;
        double decodeS = 0;
        System.out.println(title);
        for (String clip : CLIPS) {
            byte[] wav = resource("/audio/" + clip + ".wav");
            double seconds = Wav.parse(wav).durationMs() / 1000.0;
            Watch w = new Watch("{\"turn_detection\":null}");
            long sent = System.nanoTime();
            w.post("audio/wav", wav, true);
            String hyp = w.await("conversation.item.input_audio_transcription.completed", 60_000).path("transcript").asText();
            double took = (System.nanoTime() - sent) / 1e9;
            int e = realtime.gateway.testing.Wer.errors(refs.get(clip), hyp);
            int n = realtime.gateway.testing.Wer.words(refs.get(clip));
            errors += e;
            words += n;
            audioS += seconds;
            decodeS += took;
            if (perClip) {
                System.out.printf("  %-44s WER %5.1f%%  RTF %.2f  \"%s\"%n", clip, 100.0 * e / n, took / seconds, hyp);
            }
            w.close();
        }
        System.out.printf("  overall: WER %.1f%% (%d errors / %d words), RTF %.2f (%.1f s to transcribe %.1f s of audio)%n",
                100.0 * errors / words, errors, words, decodeS / audioS, decodeS, audioS);
    }

    private void firstDelta() throws Exception {
        byte[] pcm = withSilence(Wav.parse(resource("/audio/" + CLIPS.get(0) + ".wav")).monoAt(Pcm.UPSTREAM_RATE)
                .toLittleEndian(), 1000);
        List<Double> partial = new ArrayList<>();
        List<Double> fromStop = new ArrayList<>();
        List<Double> completed = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Watch w = new Watch("{}");
            stream(w, pcm).get(60, TimeUnit.SECONDS);
            w.await("conversation.item.input_audio_transcription.completed", 30_000);
            long started = w.timeOf("input_audio_buffer.speech_started");
            long stopped = w.timeOf("input_audio_buffer.speech_stopped");
            partial.add((w.timeOf("gateway.transcription.partial") - started) / 1e6);
            fromStop.add((w.timeOf("conversation.item.input_audio_transcription.delta") - stopped) / 1e6);
            completed.add((w.timeOf("conversation.item.input_audio_transcription.completed") - stopped) / 1e6);
            w.close();
        }
        System.out.printf("latency (a 7 s utterance streamed in real time, 20 ms frames, 3 runs):%n"
                + "  first partial caption %s ms after speech_started%n"
                + "  first delta %s ms after speech_stopped; completed %s ms after speech_stopped%n",
                fmt(partial), fmt(fromStop), fmt(completed));
    }

    private void realTimeCapacity(int max) throws Exception {
        byte[] one = withSilence(Wav.parse(resource("/audio/" + CLIPS.get(0) + ".wav")).monoAt(Pcm.UPSTREAM_RATE)
                .toLittleEndian(), 1000);
        int turns = 3;
        byte[] clip = new byte[one.length * turns];
        for (int i = 0; i < turns; i++) {
            System.arraycopy(one, 0, clip, i * one.length, one.length);
        }
        System.out.println("real-time capacity (each session speaks three 7 s turns back to back at real-time pace; "
                + "sustained = no growing backlog: the last turn's transcript is no more than 1 s later, after its "
                + "speech stops, than the first turn's):");
        int best = 0;
        for (int k = 1; k <= max; k *= 2) {
            List<Watch> ws = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                ws.add(new Watch("{}"));
            }
            List<CompletableFuture<Void>> streams = new ArrayList<>();
            for (Watch w : ws) {
                streams.add(stream(w, clip));
            }
            CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
            double first = 0;
            double last = 0;
            for (Watch w : ws) {
                List<Double> lags = w.lags(turns, 300_000);
                first = Math.max(first, lags.get(0));
                last = Math.max(last, lags.get(lags.size() - 1));
            }
            boolean ok = last <= first + 1.0;
            System.out.printf("  %2d sessions: transcript %.2f s after speech stops on the first turn, %.2f s on the "
                    + "last -> %s%n", k, first, last, ok ? "keeps up" : "falls behind");
            for (Watch w : ws) {
                w.close();
            }
            if (!ok) {
                break;
            }
            best = k;
        }
        System.out.printf("  sustained in real time: %d concurrent sessions (tried powers of two up to %d)%n", best, max);
    }

    /** Sends {@code pcm} in 20 ms binary frames at real-time pace. */
    private CompletableFuture<Void> stream(Watch w, byte[] pcm) throws Exception {
        URI u = URI.create(base);
        WebSocket producer = vertx.createWebSocketClient().connect(authorized(new WebSocketConnectOptions()).setHost(u.getHost())
                .setPort(u.getPort()).setURI("/v1/sessions/" + w.id + "/audio")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        int[] off = { 0 };
        timer.scheduleAtFixedRate(() -> {
            if (off[0] >= pcm.length) {
                producer.close();
                done.complete(null);
                timer.shutdown();
                return;
            }
            int end = Math.min(pcm.length, off[0] + 960);
            producer.writeBinaryMessage(Buffer.buffer(Arrays.copyOfRange(pcm, off[0], end)));
            off[0] = end;
        }, 0, 20, TimeUnit.MILLISECONDS);
        return done;
    }

    private static byte[] withSilence(byte[] pcm, int ms) {
        return Arrays.copyOf(pcm, pcm.length + ms * 48);
    }

    private static String fmt(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return String.format("median %.0f (min %.0f, max %.0f)", s.get(s.size() / 2), s.get(0), s.get(s.size() - 1));
    }

    static byte[] resource(String path) throws Exception {
        try (InputStream in = LocalEngineBench.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        }
    }
}
