package realtime.gateway.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.anonymous;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.upstream.FakeUpstreamResource;

/** {@code gateway.auth.enabled=false}: open to anyone, as the anonymous admin, with a warning at start. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(AuthDisabledTest.Disabled.class)
public class AuthDisabledTest {

    static final Path LOG = Path.of("target", "auth-disabled-test.log");

    /** Auth off; the log goes to a file the test reads. */
    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.auth.enabled", "false", "quarkus.log.file.enabled", "true", "quarkus.log.file.path",
                    LOG.toString(), "quarkus.log.file.rotation.rotate-on-boot", "true");
        }
    }

    @Test
    public void anyoneMayCallAndTheStartWarns() throws Exception {
        assertTrue(Files.readString(LOG).contains("auth: DISABLED (gateway.auth.enabled=false)"));
        String id = anonymous().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        anonymous().get("/v1/sessions/" + id).then().statusCode(200).body("owner", equalTo("anonymous"));
        anonymous().delete("/v1/sessions/" + id).then().statusCode(200);
    }
}
