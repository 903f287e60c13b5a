package realtime.gateway.api;

import static realtime.gateway.testing.Api.management;
import static realtime.gateway.testing.Api.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import realtime.gateway.upstream.FakeUpstreamResource;

/** Session cap, readiness at the cap, and idle sessions closing themselves. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
@TestProfile(LimitsTest.SmallLimits.class)
public class LimitsTest {

    /** Two sessions at most; idle after two seconds. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.sessions.max", "2", "gateway.sessions.idle-timeout", "2s",
                    "gateway.sessions.sweep-interval", "200ms", "gateway.fanout.ping-interval", "200ms");
        }
    }

    @Test
    public void theSessionAfterTheCapGets429AndReadinessGoesDownUntilOneCloses() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                    .then().statusCode(200).extract().path("id"));
        }
        given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(429).header("Retry-After", "1")
                .body("error.code", equalTo("session_limit_reached"))
                .body("error.message", containsString("gateway.sessions.max"));
        management().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        management().get("/q/health/live").then().statusCode(200);

        ids.forEach(id -> given().delete("/v1/sessions/" + id).then().statusCode(200));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> management().get("/q/health/ready").then().extract().statusCode() == 200);
    }

    @Test
    public void eventSubscribersArePinged() throws Exception {
        String id = given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
            vertx.createWebSocketClient().connect(new io.vertx.core.http.WebSocketConnectOptions().setHost("127.0.0.1")
                    .setPort(io.restassured.RestAssured.port).setURI("/v1/sessions/" + id + "/events")
                    .addHeader("Authorization", "Bearer " + realtime.gateway.testing.TestKeys.ADMIN))
                    .map(ws -> ws.frameHandler(f -> {
                        if (f.type() == io.vertx.core.http.WebSocketFrameType.PING) {
                            pings.incrementAndGet();
                        }
                    })).toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() >= 2);
        } finally {
            vertx.close();
            given().delete("/v1/sessions/" + id).then().statusCode(200);
        }
    }

    @Test
    public void anIdleSessionClosesItselfWithAReason() {
        String id = given().contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> "closed".equals(given().get("/v1/sessions/" + id).then().extract().path("state")));
        given().get("/v1/sessions/" + id).then().body("reason", containsString("idle"));
    }
}
