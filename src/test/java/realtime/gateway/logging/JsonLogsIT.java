package realtime.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import realtime.gateway.testing.Api;
import realtime.gateway.testing.GatewayJar;
import realtime.gateway.testing.RawHttp;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;

/**
 * The packaged jar logs JSON in production, as shipped (quarkus-logging-json): every log line is one JSON object,
 * with the session id, the key name and the connection id as MDC fields on the lines about them, and no key,
 * client secret or token anywhere in them, at DEBUG.
 */
class JsonLogsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern PLAIN_LOG_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} +[A-Z]+ ");

    @Test
    void productionLogsAreJsonWithSessionKeyAndConnectionFields() throws Exception {
        FakeRealtimeServer fake = new FakeRealtimeServer().start();
        try (GatewayJar gateway = GatewayJar.start(Map.of("GATEWAY_UPSTREAM_URL", fake.url(), "OPENAI_API_KEY",
                FakeRealtimeServer.KEY, "GATEWAY_STORE", "memory", "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true",
                "QUARKUS_LOG_CATEGORY__REALTIME_GATEWAY__LEVEL", "DEBUG"))) {
            JsonNode created = JSON.readTree(Api.given().contentType("application/json").body("{}")
                    .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().asString());
            String session = created.path("id").asText();
            String secret = created.at("/client_secret/value").asText();
            String token = Api.given().contentType("application/json").body("{\"role\":\"subscriber\"}")
                    .post("/v1/sessions/" + session + "/tokens").then().statusCode(201).extract().path("token");
            Api.anonymous().queryParam("token", token).get("/v1/sessions/" + session).then().statusCode(200);
            // A socket fault: a DEBUG line about the connection.
            try (RawHttp c = new RawHttp(gateway.port)) {
                c.upgrade("/v1/sessions/" + session + "/events", "Authorization: Bearer " + TestKeys.ADMIN + "\r\n");
                c.send(RawHttp.frameHeader(2, 21L * 1024 * 1024));
                c.closeFrame();
            }
            List<JsonNode> lines = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                lines.clear();
                for (String line : Files.readAllLines(gateway.log, StandardCharsets.UTF_8)) {
                    assertFalse(PLAIN_LOG_LINE.matcher(line).find(), "a plain log line: " + line);
                    assertFalse(line.contains(TestKeys.ADMIN) || line.contains(secret) || line.contains(token),
                            "a credential in the log: " + line);
                    if (line.startsWith("{")) {
                        lines.add(JSON.readTree(line));
                    }
                }
                return lines.stream().anyMatch(l -> session.equals(l.at("/mdc/session_id").asText()))
                        && lines.stream().anyMatch(l -> !l.at("/mdc/connection_id").asText().isEmpty());
            });
            assertTrue(lines.size() >= 5, lines.size() + " JSON lines");
            for (JsonNode l : lines) {
                assertTrue(l.has("level") && l.has("loggerName") && l.has("message") && l.has("timestamp"),
                        "a JSON log line has level, logger, message and time: " + l);
            }
            assertTrue(lines.stream().anyMatch(l -> "test-admin".equals(l.at("/mdc/key_name").asText())),
                    "lines logged while serving a request carry the key's name");
            JsonNode fault = lines.stream().filter(l -> l.path("message").asText().contains("closed with 1009"))
                    .findFirst().orElseThrow(() -> new AssertionError("the socket fault was logged"));
            assertEquals("DEBUG", fault.path("level").asText());
            assertTrue(fault.at("/mdc/connection_id").asText().startsWith("127.0.0.1:"), fault.toString());
        } finally {
            fake.stop();
        }
    }
}
