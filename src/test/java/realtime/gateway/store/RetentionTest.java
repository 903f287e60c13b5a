package realtime.gateway.store;

import static realtime.gateway.testing.Api.as;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.session.SessionRegistry;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeUpstreamResource;

/** Retention: a closed session and its transcript are deleted from the store once gateway.store.retention has passed. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(RetentionTest.ShortRetention.class)
public class RetentionTest {

    /** Kept 4 s in the store, 1 s in memory (forgotten within 2 s by the 1 s sweep); retention checked every 200 ms. */
    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.sessions.retention", "1s", "gateway.store.retention", "4s",
                    "gateway.store.retention-check", "200ms");
        }
    }

    @Inject
    SessionRegistry registry;

    @Test
    void aClosedSessionIsDeletedOnceItsRetentionHasPassed() {
        String id = as(TestKeys.TENANT_A).contentType("application/json").body("{}")
                .post("/v1/realtime/transcription_sessions").then().statusCode(200).extract().path("id");
        as(TestKeys.TENANT_A).delete("/v1/sessions/" + id).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registry.get(id).isEmpty());
        // Out of memory, still in the store...
        as(TestKeys.TENANT_A).get("/v1/sessions/" + id).then().statusCode(200);
        // ...until its retention has passed.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> as(TestKeys.TENANT_A)
                .get("/v1/sessions/" + id).then().extract().statusCode() == 404);
        as(TestKeys.TENANT_A).get("/v1/sessions/" + id + "/transcript").then().statusCode(404);
    }
}
