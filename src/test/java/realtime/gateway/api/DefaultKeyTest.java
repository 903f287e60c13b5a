package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.anonymous;
import static realtime.gateway.testing.Api.as;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeUpstreamResource;

/** Secure by default: with no keys configured, one admin key is generated, logged once, and is the only way in. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(DefaultKeyTest.NoKeys.class)
public class DefaultKeyTest {

    static final Path LOG = Path.of("target", "default-key-test.log");

    /** No keys; the log goes to a file the test reads. */
    public static class NoKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.auth.keys", "", "quarkus.log.file.enabled", "true", "quarkus.log.file.path",
                    LOG.toString(), "quarkus.log.file.rotation.rotate-on-boot", "true");
        }
    }

    @Test
    public void theGeneratedAdminKeyIsLoggedOnceAndOpensTheApi() throws Exception {
        String log = Files.readString(LOG);
        Matcher m = Pattern.compile("Authorization: Bearer (gk_[A-Za-z0-9]{43})").matcher(log);
        assertTrue(m.find(), "the generated key is in the log");
        String key = m.group(1);
        assertEquals(1, log.split(key, -1).length - 1, "logged exactly once");
        assertTrue(log.contains("GATEWAY_AUTH_KEYS"), "the log says how to set real keys");
        as(key).get("/v1/sessions").then().statusCode(200);
        anonymous().get("/v1/sessions").then().statusCode(401);
        as(TestKeys.ADMIN).get("/v1/sessions").then().statusCode(401);
        List<String> names = as(key).get("/v1/usage").then().statusCode(200).extract().path("data.key");
        assertEquals(List.of("generated-admin"), names);
    }
}
