package realtime.gateway.api;

import static realtime.gateway.testing.Api.management;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.anonymous;
import static realtime.gateway.testing.Api.as;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * {@code /q/metrics} (Prometheus text, no credential by default) counts what happened: a session created,
 * upstream frames by type, a transcription's latency, frames delivered to a subscriber, a reconnect, a
 * refusal; and no session id, item id or key value ever appears in it.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class MetricsTest {

    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})? (\\S+)$");

    @AfterEach
    void reset() {
        FakeUpstreamResource.server().reset();
    }

    /** Every sample, keyed by name and labels as written; fails on a line that is not Prometheus text. */
    static Map<String, Double> scrape() {
        String text = management().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not Prometheus text: " + line);
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    static double value(Map<String, Double> samples, String name, String... labels) {
        double sum = 0;
        for (var e : samples.entrySet()) {
            String key = e.getKey();
            if (!key.equals(name) && !key.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= key.contains(l);
            }
            if (all) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    @Test
    public void aTranscriptionShowsUpInTheMetricsWithBoundedTags() {
        Map<String, Double> before = scrape();
        String id = ResumeTest.activeSession();
        try (WsClient sub = WsClient.connect("/v1/sessions/" + id + "/events")) {
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> value(scrape(), "gateway_fanout_subscribers") >= 1);
            given().contentType("audio/wav").body(TestAudio.wav(TestAudio.toneAndSilence(24000, 600, 700)))
                    .post("/v1/sessions/" + id + "/audio").then().statusCode(200);
            sub.awaitText("transcription.completed");
            FakeUpstreamResource.server().last().close(1011, "internal error");
            sub.awaitText("gateway.upstream.reconnected");
        }
        anonymous().get("/v1/sessions").then().statusCode(401);
        as(TestKeys.TENANT_B).get("/v1/sessions/" + id).then().statusCode(404);

        Map<String, Double> after = scrape();
        String upstream = "upstream=\"openai\"";
        assertTrue(value(after, "gateway_sessions_created_total", upstream)
                > value(before, "gateway_sessions_created_total", upstream));
        assertTrue(value(after, "gateway_sessions_open", "state=\"active\"") >= 1);
        assertTrue(value(after, "gateway_upstream_frames_total",
                "type=\"conversation.item.input_audio_transcription.completed\"")
                > value(before, "gateway_upstream_frames_total",
                        "type=\"conversation.item.input_audio_transcription.completed\""));
        assertTrue(value(after, "gateway_transcription_completed_seconds_count")
                > value(before, "gateway_transcription_completed_seconds_count"), "a latency was recorded");
        assertTrue(value(after, "gateway_transcription_first_delta_seconds_bucket", "le=\"+Inf\"") > 0,
                "latencies are histograms");
        assertTrue(value(after, "gateway_fanout_frames_delivered_total")
                > value(before, "gateway_fanout_frames_delivered_total"));
        assertTrue(value(after, "gateway_upstream_reconnect_downtime_seconds_count")
                > value(before, "gateway_upstream_reconnect_downtime_seconds_count"));
        assertTrue(value(after, "gateway_upstream_audio_seconds_total") >= 1.3);
        assertTrue(value(after, "gateway_upstream_connect_seconds_count", "outcome=\"open\"") >= 2);
        assertTrue(value(after, "gateway_auth_refusals_total", "status=\"401\"", "key=\"none\"")
                > value(before, "gateway_auth_refusals_total", "status=\"401\"", "key=\"none\""));
        assertTrue(value(after, "gateway_auth_refusals_total", "status=\"404\"", "key=\"tenant-b\"") >= 1);

        String text = management().get("/q/metrics").then().extract().asString();
        java.util.List<String> leaks = java.util.Arrays.stream(text.split("\n"))
                .filter(l -> l.contains("sess_") || l.contains("item_") || l.contains(TestKeys.TENANT_B)).toList();
        assertTrue(leaks.isEmpty(), "no session id, item id or key value in the metrics: " + leaks);
        given().delete("/v1/sessions/" + id).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(), "gateway_sessions_ended_total",
                "cause=\"deleted\"") > value(before, "gateway_sessions_ended_total", "cause=\"deleted\""));
    }
}
