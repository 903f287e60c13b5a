package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * Generated inputs: for every optional field of both create bodies and of {@code session.update}, the
 * field absent, {@code null} and valid, alone and all together. None of them may get a 5xx or cost the
 * producer its connection; a valid value is always accepted, and a refused one names the field.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class OptionalFieldsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A field's dotted path and a valid value for it; objects are built from their leaves. */
    record Field(String path, JsonNode valid) {
    }

    enum State {
        ABSENT, NULL, VALID
    }

    /** Leaves of the beta create body (§a.1), OpenAI's own field names. */
    static final List<Field> BETA = List.of(
            new Field("modalities", JSON.valueToTree(List.of("text"))),
            new Field("input_audio_format", F.textNode("pcm16")),
            new Field("input_audio_transcription.model", F.textNode("gpt-4o-transcribe")),
            new Field("input_audio_transcription.language", F.textNode("en")),
            new Field("input_audio_transcription.prompt", F.textNode("expect words about cooking")),
            new Field("turn_detection.type", F.textNode("server_vad")),
            new Field("turn_detection.threshold", F.numberNode(0.6)),
            new Field("turn_detection.prefix_padding_ms", F.numberNode(300)),
            new Field("turn_detection.silence_duration_ms", F.numberNode(500)),
            new Field("input_audio_noise_reduction.type", F.textNode("near_field")),
            new Field("include", JSON.valueToTree(List.of("item.input_audio_transcription.logprobs"))),
            new Field("client_secret.expires_at.anchor", F.textNode("created_at")),
            new Field("client_secret.expires_at.seconds", F.numberNode(600)));

    /** Leaves of a GA transcription session (§e.3), as in {@code client_secrets} and {@code session.update}. */
    static final List<Field> GA_SESSION = List.of(
            // The format is a union discriminated by its type: a rate alone is not a valid format.
            new Field("audio.input.format", JSON.valueToTree(Map.of("type", "audio/pcm", "rate", 24000))),
            new Field("audio.input.transcription.model", F.textNode("gpt-4o-transcribe")),
            new Field("audio.input.transcription.language", F.textNode("en")),
            new Field("audio.input.transcription.prompt", F.textNode("expect words about cooking")),
            new Field("audio.input.noise_reduction.type", F.textNode("far_field")),
            new Field("audio.input.turn_detection.type", F.textNode("server_vad")),
            new Field("audio.input.turn_detection.threshold", F.numberNode(0.5)),
            new Field("audio.input.turn_detection.prefix_padding_ms", F.numberNode(300)),
            new Field("audio.input.turn_detection.silence_duration_ms", F.numberNode(200)),
            new Field("audio.input.turn_detection.idle_timeout_ms", F.numberNode(6000)),
            new Field("include", JSON.valueToTree(List.of("item.input_audio_transcription.logprobs"))));

    static final List<Field> GA_TOP = List.of(
            new Field("expires_after.anchor", F.textNode("created_at")),
            new Field("expires_after.seconds", F.numberNode(600)));

    /** Each field alone in each state, then every field together in each state. */
    static List<Map<String, State>> cases(List<Field> fields) {
        List<Map<String, State>> out = new ArrayList<>();
        for (Field f : fields) {
            for (State s : State.values()) {
                out.add(Map.of(f.path(), s));
            }
        }
        for (State s : State.values()) {
            Map<String, State> all = new LinkedHashMap<>();
            fields.forEach(f -> all.put(f.path(), s));
            out.add(all);
        }
        // Mixed: alternate valid and null down the list, and the reverse.
        for (int parity = 0; parity < 2; parity++) {
            Map<String, State> mixed = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                mixed.put(fields.get(i).path(), i % 2 == parity ? State.VALID : State.NULL);
            }
            out.add(mixed);
        }
        return out;
    }

    /** Builds a body: a NULL leaf is an explicit null; parents of present leaves are created. */
    static ObjectNode body(List<Field> fields, Map<String, State> states) {
        ObjectNode root = F.objectNode();
        for (Field f : fields) {
            State s = states.getOrDefault(f.path(), State.ABSENT);
            if (s == State.ABSENT) {
                continue;
            }
            String[] parts = f.path().split("\\.");
            ObjectNode node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = node.get(parts[i]);
                node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
            }
            node.set(parts[parts.length - 1], s == State.NULL ? F.nullNode() : f.valid());
        }
        return root;
    }

    static String describe(Map<String, State> states) {
        return states.size() == 1 ? states.toString() : "all " + states.size() + " fields " + states.values().stream()
                .distinct().toList();
    }

    static Stream<Arguments> betaBodies() {
        return cases(BETA).stream().map(c -> Arguments.of(describe(c), body(BETA, c).toString(), allValid(c)));
    }

    static Stream<Arguments> gaBodies() {
        List<Field> all = new ArrayList<>(GA_TOP);
        GA_SESSION.forEach(f -> all.add(new Field("session." + f.path(), f.valid())));
        return cases(all).stream().map(c -> {
            ObjectNode b = body(all, c);
            ObjectNode session = b.get("session") instanceof ObjectNode o ? o : b.putObject("session");
            session.put("type", "transcription");
            return Arguments.of(describe(c), b.toString(), allValid(c));
        });
    }

    private static boolean allValid(Map<String, State> c) {
        return c.values().stream().allMatch(s -> s != State.NULL);
    }

    @ParameterizedTest(name = "beta {0}")
    @MethodSource("betaBodies")
    public void betaCreateNeverFailsWithAServerError(String name, String body, boolean valid) {
        check(given().contentType("application/json").body(body).post("/v1/realtime/transcription_sessions"), body,
                valid, "id");
    }

    @ParameterizedTest(name = "ga {0}")
    @MethodSource("gaBodies")
    public void gaCreateNeverFailsWithAServerError(String name, String body, boolean valid) {
        check(given().contentType("application/json").body(body).post("/v1/realtime/client_secrets"), body, valid,
                "session.id");
    }

    private static void check(Response r, String body, boolean valid, String idPath) {
        int status = r.statusCode();
        assertTrue(status < 500, () -> body + " -> " + status + " " + r.asString());
        if (valid) {
            assertEquals(200, status, () -> body + " -> " + r.asString());
        }
        if (status == 200) {
            String id = r.path(idPath);
            assertNotNull(id, body);
            given().delete("/v1/sessions/" + id).then().statusCode(200);
        } else {
            assertEquals(400, status, () -> body + " -> " + r.asString());
            assertNotNull(r.path("error.message"), body);
            assertNotNull(r.path("error.param"), () -> "the refusal names no field: " + r.asString());
        }
    }

    /** The shape OpenAI's guide shows: a model and no language. Was a 500 (NullPointerException). */
    @Test
    public void aModelWithoutLanguageCreatesASession() {
        given().contentType("application/json").body("{\"input_audio_transcription\":{\"model\":\"gpt-4o-transcribe\"}}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200);
        given().contentType("application/json").body("{\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":"
                + "{\"transcription\":{\"model\":\"gpt-4o-transcribe\"}}}}}")
                .post("/v1/realtime/client_secrets").then().statusCode(200);
    }

    /**
     * Every generated {@code session.update} (GA and beta shapes) on one producer socket: each is either
     * accepted or answered with an {@code error}, and the socket stays open for the next.
     */
    @Test
    public void sessionUpdatesNeverCloseTheProducerSocket() {
        String id = given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "active".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
        List<String> updates = new ArrayList<>();
        for (Map<String, State> c : cases(GA_SESSION)) {
            ObjectNode session = body(GA_SESSION, c);
            session.put("type", "transcription");
            updates.add(F.objectNode().put("type", "session.update").set("session", session).toString());
        }
        List<Field> betaSession = BETA.stream().filter(f -> !f.path().startsWith("client_secret")
                && !f.path().equals("modalities")).toList();
        for (Map<String, State> c : cases(betaSession)) {
            updates.add(F.objectNode().put("type", "transcription_session.update")
                    .set("session", body(betaSession, c)).toString());
        }
        try (WsClient ws = WsClient.connect("/v1/sessions/" + id + "/audio", TestKeys.bearer(TestKeys.ADMIN),
                List.of())) {
            int n = 0;
            for (String update : updates) {
                ws.send(update);
                // A probe after each update: its error proves the socket is still open and in order.
                String probe = "probe-" + (++n);
                ws.send("{\"type\":\"no.such.event\",\"event_id\":\"" + probe + "\"}");
                String reply = ws.awaitText(probe);
                assertTrue(reply.contains("invalid_value"), reply);
                assertEquals(null, ws.closeCode(), () -> "socket closed after " + update);
            }
            for (String text : ws.texts()) {
                if (text.contains("server_error") || text.contains("\"code\":\"internal")) {
                    throw new AssertionError("server error event: " + text);
                }
            }
        }
        given().get("/v1/sessions/" + id).then().statusCode(200);
        given().delete("/v1/sessions/" + id).then().statusCode(200);
    }
}
