package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import realtime.gateway.testing.GatewayJar;
import realtime.gateway.testing.Node;
import realtime.gateway.testing.TestKeys;

/**
 * The official {@code openai} npm SDK (pinned in src/test/node/openai-sdk) with the packaged gateway as its
 * base URL, offline on the local engine, transcribing a real speech WAV: json, text, srt, vtt, verbose_json
 * and streamed; the SRT and WebVTT answers, and those of the session export, parse with the {@code subtitle}
 * package. Needs Node.js 20+ and npm ({@code .ci/run} installs them where absent); without them the test is
 * skipped, saying so.
 */
public class OpenAiSdkIT {

    static final Path DIR = Path.of("src", "test", "node", "openai-sdk");
    static final String SPOKEN = "go forward ten meters";

    @Test
    void theOfficialSdkTranscribesAFileOfflineInEveryFormat() throws Exception {
        Node.require(DIR, "the openai SDK test");
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_UPSTREAM_PROVIDER", "local");
        env.put("OPENAI_API_KEY", null);
        try (GatewayJar gateway = GatewayJar.start(env)) {
            String out = Node.run(DIR, Map.of("GATEWAY_URL", gateway.url(), "GATEWAY_KEY", TestKeys.TENANT_A, "GATEWAY_WAV",
                    new File("src/test/resources/audio/goforward.wav").getAbsolutePath()), "node", "test.mjs");
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            JsonNode r = new ObjectMapper().readTree(last);
            assertEquals(SPOKEN, r.path("json").asText());
            assertEquals("duration", r.path("usage").path("type").asText());
            assertEquals(SPOKEN, r.path("text").asText().strip());
            for (String format : List.of("srt", "vtt", "exportSrt", "exportVtt")) {
                JsonNode cues = r.path(format);
                assertTrue(cues.size() >= 1, format + ": " + cues);
                StringBuilder words = new StringBuilder();
                for (JsonNode c : cues) {
                    assertTrue(c.path("start").asLong() < c.path("end").asLong(), format + ": " + c);
                    words.append(' ').append(c.path("text").asText().replace('\n', ' '));
                }
                assertEquals(SPOKEN, words.toString().strip(), format);
            }
            JsonNode verbose = r.path("verbose");
            assertEquals(SPOKEN, verbose.path("text").asText());
            assertEquals("en", verbose.path("language").asText());
            assertEquals(2.786, verbose.path("duration").asDouble(), 0.01);
            assertTrue(verbose.path("segments").size() >= 1);
            assertEquals(SPOKEN, r.path("done").asText());
            assertEquals(SPOKEN, r.path("deltas").asText());
            assertEquals(400, r.path("refused").path("status").asInt());
            assertEquals("response_format", r.path("refused").path("param").asText());
        }
    }
}
