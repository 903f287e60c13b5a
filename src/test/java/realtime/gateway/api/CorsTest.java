package realtime.gateway.api;

import static org.hamcrest.Matchers.equalTo;
import static realtime.gateway.testing.Api.anonymous;
import static realtime.gateway.testing.Api.given;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.upstream.FakeUpstreamResource;

/** CORS with one allowed origin: preflights answered without a credential, others get no CORS headers. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(CorsTest.OneOrigin.class)
public class CorsTest {

    static final String APP = "https://app.example.com";

    /** Allows one origin. */
    public static class OneOrigin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.http.cors-origins", APP);
        }
    }

    @Test
    public void anAllowedOriginsPreflightIsAnsweredWithoutACredential() {
        anonymous().header("Origin", APP).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .options("/v1/realtime/client_secrets").then().statusCode(204)
                .header("Access-Control-Allow-Origin", equalTo(APP))
                .header("Access-Control-Allow-Headers", equalTo("Authorization, Content-Type"))
                .header("Access-Control-Allow-Methods", equalTo("GET, POST, DELETE, OPTIONS"));
    }

    @Test
    public void anAllowedOriginCanReadResponsesIncluding401AndRetryAfter() {
        given().header("Origin", APP).get("/v1/sessions").then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo(APP)).header("Vary", equalTo("Origin"))
                .header("Access-Control-Expose-Headers", equalTo("Retry-After"));
        anonymous().header("Origin", APP).get("/v1/sessions").then().statusCode(401)
                .header("Access-Control-Allow-Origin", equalTo(APP));
    }

    @Test
    public void anotherOriginGetsNoCorsHeaders() {
        given().header("Origin", "https://other.example.com").get("/v1/sessions").then().statusCode(200)
                .header("Access-Control-Allow-Origin", (String) null);
        anonymous().header("Origin", "https://other.example.com").header("Access-Control-Request-Method", "GET")
                .options("/v1/sessions").then().statusCode(403).header("Access-Control-Allow-Origin", (String) null);
    }
}
