package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import realtime.gateway.testing.GatewayJar;
import realtime.gateway.testing.Node;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;

/**
 * The captions page at {@code /captions/} in a real headless Chromium (Debian's {@code chromium}, driven by
 * playwright-core from src/test/node/captions) with a fake microphone playing a real speech WAV, against the
 * packaged jar: on the local engine (partial captions first, then the final words) and on an OpenAI-shaped
 * upstream (the fake). The presenter starts with an API key, a second browser context opens the share link, and the
 * SRT download after Stop parses; screenshots of both views go to target/captions. Skipped, saying so, without
 * Node.js or Chromium ({@code .ci/run} installs both; {@code CHROMIUM} points at another binary).
 */
public class CaptionsPageIT {

    static final Path DIR = Path.of("src", "test", "node", "captions");
    static final String WAV = new File("src/test/resources/audio/goforward.wav").getAbsolutePath();

    static String chromium() {
        String path = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(path)),
                "no Chromium at " + path + ": the captions page test is skipped (.ci/run installs Debian's chromium)");
        return path;
    }

    static void run(GatewayJar gateway, String label, String expect, boolean partials) throws Exception {
        Path shots = Path.of("target", "captions").toAbsolutePath();
        Files.createDirectories(shots);
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_URL", gateway.url());
        env.put("GATEWAY_KEY", TestKeys.TENANT_A);
        env.put("GATEWAY_WAV", WAV);
        env.put("EXPECT", expect);
        env.put("PARTIALS", Boolean.toString(partials));
        env.put("SHOTS", shots.toString());
        env.put("LABEL", label);
        env.put("CHROMIUM", chromium());
        String out = Node.run(DIR, env, "node", "test.mjs");
        assertTrue(out.contains("OK the SRT download parses") && out.contains("OK no console error"), out);
        assertTrue(Files.size(shots.resolve("captions-" + label + "-viewer.png")) > 10_000, "a viewer screenshot");
    }

    @Test
    void onTheLocalEngineSpokenWordsAppearAsPartialsThenFinalAndTheShareLinkShowsThem() throws Exception {
        chromium();
        Node.require(DIR, "the captions page test");
        Map<String, String> env = new HashMap<>();
        env.put("GATEWAY_UPSTREAM_PROVIDER", "local");
        env.put("OPENAI_API_KEY", null);
        env.put("GATEWAY_STORE", "memory");
        try (GatewayJar gateway = GatewayJar.start(env)) {
            run(gateway, "local", "go forward ten meters", true);
        }
    }

    @Test
    void onAnOpenAiUpstreamThePageWorksTheSame() throws Exception {
        chromium();
        Node.require(DIR, "the captions page test");
        FakeRealtimeServer fake = new FakeRealtimeServer().start();
        try (GatewayJar gateway = GatewayJar.start(Map.of("GATEWAY_UPSTREAM_URL", fake.url(), "OPENAI_API_KEY",
                FakeRealtimeServer.KEY, "GATEWAY_STORE", "memory"))) {
            run(gateway, "openai", "hello world", false);
        } finally {
            fake.stop();
        }
    }
}
