package realtime.gateway.api;

import static realtime.gateway.testing.Api.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import realtime.gateway.upstream.FakeUpstreamResource;

/** {@code GET /v1/sessions/{id}/events} as Server-Sent Events carries the same frames. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class SseTest {

    @Test
    public void sseGivesTypeAsEventAndSequenceAsId() throws Exception {
        FanoutFaultsTest.Live s = FanoutFaultsTest.create();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/v1/sessions/"
                + s.id() + "/events?types=input_audio_buffer.*")).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + realtime.gateway.testing.TestKeys.ADMIN).build();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, resp.statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) given().get("/v1/sessions/" + s.id())
                .then().extract().path("counters.subscribers_now")).intValue() == 1);
        String frame = "{\"type\":\"input_audio_buffer.cleared\",\"event_id\":\"event_sse1\"}";
        s.upstream().send("{\"type\":\"rate_limits.updated\",\"event_id\":\"event_skip\",\"rate_limits\":[]}");
        s.upstream().send(frame);
        given().delete("/v1/sessions/" + s.id()).then().statusCode(200);

        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                lines.add(line);
            }
        }
        int at = lines.indexOf("data:" + frame);
        assertTrue(at > 1, String.join("\n", lines));
        assertTrue(lines.contains("event:input_audio_buffer.cleared"), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("id:")));
        assertTrue(lines.stream().noneMatch(l -> l.contains("rate_limits")), "the filter applies");
        assertTrue(lines.contains("event:gateway.session.closed"), "the stream ends with the closed event");
    }
}
