package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.anonymous;
import static realtime.gateway.testing.Api.as;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * A full session flow with every logger at DEBUG: no log line, no response body (other than the one that
 * mints a secret or token, once) and no event contains the upstream key, an API key, a client secret or a
 * token.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(SecretsTest.Debug.class)
public class SecretsTest {

    /** Everything at DEBUG. */
    public static class Debug implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // With the access log on, in its shipped pattern: ?token= requests below must not leave their token there.
            return Map.of("quarkus.log.level", "DEBUG", "quarkus.log.category.\"realtime.gateway\".level", "DEBUG",
                    "quarkus.log.category.\"io.quarkus\".level", "DEBUG", "quarkus.log.category.\"io.vertx\".level",
                    "DEBUG", "quarkus.log.category.\"io.netty\".level", "DEBUG", "quarkus.http.access-log.enabled",
                    "true");
        }
    }

    final List<String> logs = new CopyOnWriteArrayList<>();
    static final org.jboss.logmanager.formatters.JsonFormatter JSON_LINES = new org.jboss.logmanager.formatters.JsonFormatter();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLoggerName() != null && r.getLoggerName().startsWith("org.apache.http")) {
                // RestAssured's own HTTP client in this test JVM logs the requests it sends: not the gateway.
                return;
            }
            StringBuilder sb = new StringBuilder(r.getLoggerName()).append(' ').append(r.getMessage());
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    sb.append(' ').append(p);
                }
            }
            if (r.getThrown() != null) {
                sb.append(' ').append(r.getThrown());
            }
            logs.add(sb.toString());
            // And the line as a JSON formatter (JBoss LogManager's) writes it: message, MDC fields, exception.
            logs.add(JSON_LINES.format(org.jboss.logmanager.ExtLogRecord.wrap(r)));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void release() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    @Test
    public void noLogBodyOrEventCarriesAKeySecretOrToken() {
        List<String> seen = new ArrayList<>();
        List<String> secrets = new ArrayList<>(List.of(FakeRealtimeServer.KEY, TestKeys.TENANT_A, TestKeys.ADMIN));
        FakeRealtimeServer fake = FakeUpstreamResource.server();

        int before = fake.count();
        Response ga = as(TestKeys.TENANT_A).contentType("application/json")
                .body("{\"session\":{\"type\":\"transcription\"}}").post("/v1/realtime/client_secrets");
        String secret = ga.then().statusCode(200).extract().path("value");
        String id = ga.then().extract().path("session.id");
        secrets.add(secret);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.count() > before);
        Response sub = as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"subscriber\"}")
                .post("/v1/sessions/" + id + "/tokens");
        Response prod = as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"producer\"}")
                .post("/v1/sessions/" + id + "/tokens");
        String subscriber = sub.then().statusCode(201).extract().path("token");
        String producer = prod.then().statusCode(201).extract().path("token");
        secrets.add(subscriber);
        secrets.add(producer);
        // Each minting response carries its own secret once and nothing else.
        assertEquals(1, count(ga.asString(), secret));
        assertEquals(1, count(sub.asString(), subscriber));
        assertEquals(1, count(prod.asString(), producer));

        try (WsClient events = WsClient.connect("/v1/sessions/" + id + "/events?token=" + subscriber, Map.of(), List.of());
                WsClient realtime = WsClient.connect("/v1/realtime", Map.of(),
                        List.of("realtime", "openai-insecure-api-key." + secret));
                WsClient audio = WsClient.connect("/v1/sessions/" + id + "/audio", Map.of(),
                        List.of("realtime", "gateway-token." + producer))) {
            audio.sendBinary(TestAudio.toneAndSilence(24000, 800, 700).toLittleEndian());
            realtime.send("{\"type\":\"input_audio_buffer.append\",\"audio\":\"not base64!\"}");
            realtime.awaitText("invalid_value");
            events.awaitText("input_audio_transcription.completed");
            seen.add(body(anonymous().queryParam("token", subscriber).get("/v1/sessions/" + id + "/transcript")));
            seen.add(body(anonymous().queryParam("token", subscriber).get("/v1/sessions/" + id + "/audio")));
            seen.add(body(anonymous().header("Authorization", "Bearer " + secret).get("/v1/sessions")));
            seen.add(body(as(TestKeys.TENANT_A).get("/v1/sessions/" + id)));
            seen.add(body(as(TestKeys.TENANT_A).get("/v1/sessions")));
            seen.add(body(as(TestKeys.TENANT_A).get("/v1/sessions/" + id + "/tokens")));
            seen.add(body(as(TestKeys.TENANT_A).get("/v1/usage")));
            seen.add(body(as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"x\"}")
                    .post("/v1/sessions/" + id + "/tokens")));
            seen.add(body(as(TestKeys.TENANT_A).delete("/v1/sessions/" + id)));
            events.awaitText("gateway.session.closed");
            seen.addAll(events.texts());
            seen.addAll(realtime.texts());
            seen.addAll(audio.texts());
        }
        seen.add(body(anonymous().queryParam("token", subscriber).get("/v1/sessions/" + id)));
        assertTrue(logs.size() > 50, "DEBUG logging is on: " + logs.size() + " records");
        String sessionField = "\"session_id\":\"" + id + "\"";
        assertTrue(logs.stream().anyMatch(l -> l.contains("\"mdc\"") && l.contains(sessionField) && l.contains("active")),
                "JSON lines about the session carry its id as a field");
        assertTrue(logs.stream().anyMatch(l -> l.contains("\"mdc\"") && l.contains("\"key_name\":\"tenant-a\"")),
                "lines logged while serving a request name the key (never its value)");
        assertTrue(logs.stream().anyMatch(l -> l.startsWith("io.quarkus.http.access-log") && l.contains("GET /v1/sessions/"
                + id + "/transcript HTTP/1.1")), "the access log recorded the ?token= requests (without the token)");
        List<String> leaks = new ArrayList<>();
        for (String s : secrets) {
            seen.stream().filter(t -> t.contains(s)).forEach(t -> leaks.add("in a body or event: " + t));
            logs.stream().filter(t -> t.contains(s)).forEach(t -> leaks.add("in a log line: " + t));
        }
        assertEquals(List.of(), leaks);
    }

    static String body(Response r) {
        return r.then().extract().asString();
    }

    static int count(String text, String fragment) {
        int n = 0;
        for (int i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1)) {
            n++;
        }
        return n;
    }
}
