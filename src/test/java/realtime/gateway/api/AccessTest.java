package realtime.gateway.api;

import static realtime.gateway.testing.Api.management;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.anonymous;
import static realtime.gateway.testing.Api.as;
import static realtime.gateway.testing.Api.given;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.ext.web.Router;
import realtime.gateway.testing.Endpoints;
import realtime.gateway.testing.Endpoints.Endpoint;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.testing.WsClient;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * Who gets in: every endpoint and socket of the application (enumerated from it, see {@link Endpoints})
 * refuses a missing or wrong credential with 401, another tenant's key with 404 on session paths, and
 * expired, revoked and other-session tokens with 401; and the right credentials work.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class AccessTest {

    @Inject
    Router router;

    static String createAs(String key) {
        return as(key).contentType("application/json").body("{}").post("/v1/realtime/transcription_sessions")
                .then().statusCode(200).extract().path("id");
    }

    static String token(String key, String session, String role, int ttlSeconds) {
        return as(key).contentType("application/json")
                .body("{\"role\":\"" + role + "\",\"ttl_seconds\":" + ttlSeconds + "}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(201)
                .body("role", equalTo(role)).body("session_id", equalTo(session)).extract().path("token");
    }

    static String tokenId(String key, String session, String role) {
        return as(key).contentType("application/json").body("{\"role\":\"" + role + "\"}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(201).extract().path("id");
    }

    List<Endpoint> endpoints() throws Exception {
        List<Endpoint> all = Endpoints.all(router);
        // The enumeration must find at least what exists today, or the tests below would prove nothing.
        for (String known : List.of("POST /v1/realtime/transcription_sessions", "POST /v1/realtime/client_secrets",
                "GET /v1/sessions", "DELETE /v1/sessions/{id}", "POST /v1/sessions/{id}/audio",
                "POST /v1/sessions/{id}/tokens", "DELETE /v1/sessions/{id}/tokens/{tokenId}", "GET /v1/usage",
                "WS /v1/realtime", "WS /v1/sessions/{id}/audio", "WS /v1/sessions/{id}/events",
                "GET /v1/sessions/{id}/events")) {
            assertTrue(all.stream().anyMatch(e -> e.toString().equals(known)), known + " in " + all);
        }
        return all;
    }

    @Test
    public void theCaptionsPageIsServedWithoutACredentialUnderAStrictPolicy() {
        anonymous().redirects().follow(false).get("/captions").then().statusCode(302)
                .header("Location", org.hamcrest.Matchers.endsWith("/captions/"));
        anonymous().get("/captions/").then().statusCode(200)
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"))
                .header("Content-Security-Policy", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(
                        "unsafe-inline")))
                .header("Referrer-Policy", "no-referrer")
                .body(org.hamcrest.Matchers.containsString("<script src=\"captions.js\" defer></script>"));
        anonymous().get("/captions/captions.js").then().statusCode(200);
        anonymous().get("/captions/pcm-worklet.js").then().statusCode(200);
        // Only reading the page is open: anything else on its path still needs a credential.
        anonymous().contentType("application/json").body("{}").post("/captions/").then().statusCode(401);
        // And the page's files carry no inline script or style: the policy would block them.
        String html = anonymous().get("/captions/").then().extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(html.matches("(?s).*<script>.*") || html.contains(" style=") || html.contains(" onclick="),
                "inline script or style in the page");
    }

    /** The status a request (or upgrade) to {@code e} gets with these headers and query. */
    static int status(Endpoint e, String session, String tokenId, Map<String, String> headers, String token,
            boolean tokenAsSubprotocol) {
        String path = e.path().replace("{id}", session).replace("{tokenId}", tokenId);
        if (e.webSocket()) {
            List<String> protocols = token != null && tokenAsSubprotocol ? List.of("realtime", "gateway-token." + token)
                    : List.of();
            String uri = token != null && !tokenAsSubprotocol ? path + "?token=" + token : path;
            return WsClient.upgradeStatus(uri, headers, protocols);
        }
        RequestSpecification r = anonymous().headers(headers).contentType("application/json").body("{}");
        if (token != null) {
            r = r.queryParam("token", token);
        }
        return r.request(e.method(), path).then().extract().statusCode();
    }

    @Test
    public void everyEndpointRefusesAMissingOrWrongCredentialWith401() throws Exception {
        String session = createAs(TestKeys.TENANT_A);
        String tokenId = tokenId(TestKeys.TENANT_A, session, "subscriber");
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            if (status(e, session, tokenId, Map.of(), null, false) != 401) {
                wrong.add(e + " without a credential");
            }
            if (status(e, session, tokenId, TestKeys.bearer("not-a-key-0000000000000000000000000000"), null, false) != 401) {
                wrong.add(e + " with a wrong key");
            }
            if (status(e, session, tokenId, Map.of("Authorization", "Basic dGVzdDp0ZXN0"), null, false) != 401) {
                wrong.add(e + " with a non-Bearer Authorization");
            }
        }
        assertEquals(List.of(), wrong);
        anonymous().get("/v1/sessions").then().statusCode(401).header("WWW-Authenticate", equalTo(
                "Bearer realm=\"realtime-gateway\"")).body("error.code", equalTo("invalid_api_key"));
    }

    @Test
    public void anotherTenantsKeyGets404OnEverySessionPath() throws Exception {
        String session = createAs(TestKeys.TENANT_A);
        String tokenId = tokenId(TestKeys.TENANT_A, session, "subscriber");
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            if (e.sessionScoped()) {
                int got = status(e, session, tokenId, TestKeys.bearer(TestKeys.TENANT_B), null, false);
                if (got != 404) {
                    wrong.add(e + " gave " + got);
                }
            }
        }
        assertEquals(List.of(), wrong);
        as(TestKeys.TENANT_A).get("/v1/sessions/" + session).then().statusCode(200).body("state", equalTo("active"))
                .body("owner", equalTo("tenant-a"));
    }

    @Test
    public void expiredRevokedAndOtherSessionTokensGet401Everywhere() throws Exception {
        String session = createAs(TestKeys.TENANT_A);
        String other = createAs(TestKeys.TENANT_A);
        String tokenId = tokenId(TestKeys.TENANT_A, session, "subscriber");
        String expiring = token(TestKeys.TENANT_A, session, "subscriber", 1);
        String revoked = token(TestKeys.TENANT_A, session, "subscriber", 600);
        String revokedId = as(TestKeys.TENANT_A).get("/v1/sessions/" + session + "/tokens").then().statusCode(200)
                .extract().path("data[0].id");
        // Each works before it is expired or revoked.
        anonymous().queryParam("token", revoked).get("/v1/sessions/" + session + "/transcript").then().statusCode(200);
        as(TestKeys.TENANT_A).delete("/v1/sessions/" + session + "/tokens/" + revokedId).then().statusCode(200)
                .body("deleted", equalTo(true));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> anonymous().queryParam("token", expiring)
                .get("/v1/sessions/" + session + "/transcript").then().extract().statusCode() == 401);
        Map<String, String> otherTokens = Map.of(
                "other-session subscriber", token(TestKeys.TENANT_A, other, "subscriber", 600),
                "other-session producer", token(TestKeys.TENANT_A, other, "producer", 600),
                "expired", expiring, "revoked", revoked);
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            for (Map.Entry<String, String> t : otherTokens.entrySet()) {
                if (status(e, session, tokenId, Map.of(), t.getValue(), false) != 401) {
                    wrong.add(e + " with an " + t.getKey() + " token as ?token=");
                }
                if (status(e, session, tokenId, TestKeys.bearer(t.getValue()), null, false) != 401) {
                    wrong.add(e + " with an " + t.getKey() + " token as Bearer");
                }
                if (e.webSocket() && status(e, session, tokenId, Map.of(), t.getValue(), true) != 401) {
                    wrong.add(e + " with an " + t.getKey() + " token as subprotocol");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    public void aClientKeyListsOnlyItsOwnSessionsAndAnAdminSeesAll() {
        String a = createAs(TestKeys.TENANT_A);
        String b = createAs(TestKeys.TENANT_B);
        List<String> seenByA = as(TestKeys.TENANT_A).get("/v1/sessions").then().statusCode(200).extract().path("data.id");
        List<String> seenByB = as(TestKeys.TENANT_B).get("/v1/sessions").then().statusCode(200).extract().path("data.id");
        List<String> seenByAdmin = given().get("/v1/sessions").then().statusCode(200).extract().path("data.id");
        assertTrue(seenByA.contains(a) && !seenByA.contains(b), "tenant-a sees " + seenByA);
        assertTrue(seenByB.contains(b) && !seenByB.contains(a), "tenant-b sees " + seenByB);
        assertTrue(seenByAdmin.containsAll(List.of(a, b)));
        as(TestKeys.TENANT_B).delete("/v1/sessions/" + a).then().statusCode(404);
        as(TestKeys.TENANT_A).get("/v1/sessions/" + a).then().body("state", equalTo("active"));
        given().delete("/v1/sessions/" + a).then().statusCode(200);
    }

    @Test
    public void aSubscriberTokenOpensTheEventsStreamByQueryOrSubprotocolAndNothingElse() {
        String session = createAs(TestKeys.TENANT_A);
        String sub = token(TestKeys.TENANT_A, session, "subscriber", 600);
        try (WsClient byQuery = WsClient.connect("/v1/sessions/" + session + "/events?token=" + sub, Map.of(), List.of());
                WsClient byProtocol = WsClient.connect("/v1/sessions/" + session + "/events", Map.of(),
                        List.of("realtime", "gateway-token." + sub))) {
            assertEquals("realtime", byProtocol.subprotocol());
            as(TestKeys.TENANT_A).contentType("audio/pcm").body(new byte[4800]).post("/v1/sessions/" + session + "/audio")
                    .then().statusCode(200);
            given().delete("/v1/sessions/" + session).then().statusCode(200);
            byQuery.awaitText("gateway.session.closed");
            byProtocol.awaitText("gateway.session.closed");
        }
        // Closing the session revoked the token.
        anonymous().queryParam("token", sub).get("/v1/sessions/" + session).then().statusCode(401);
    }

    /** Revoking a token closes what is open with it: its sockets with 1008 (policy), its event stream ends. */
    @Test
    public void aTokenRevokedMidSocketClosesItsSocketsWith1008() throws Exception {
        String session = createAs(TestKeys.TENANT_A);
        String sub = as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"subscriber\"}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(201).extract().asString();
        String subValue = io.restassured.path.json.JsonPath.from(sub).getString("token");
        String subId = io.restassured.path.json.JsonPath.from(sub).getString("id");
        String prod = as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"producer\"}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(201).extract().asString();
        String prodValue = io.restassured.path.json.JsonPath.from(prod).getString("token");
        String prodId = io.restassured.path.json.JsonPath.from(prod).getString("id");
        try (WsClient events = WsClient.connect("/v1/sessions/" + session + "/events?token=" + subValue, Map.of(),
                List.of());
                WsClient audio = WsClient.connect("/v1/sessions/" + session + "/audio?token=" + prodValue, Map.of(),
                        List.of());
                java.net.Socket sse = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            sse.getOutputStream().write(("GET /v1/sessions/" + session + "/events?token=" + subValue
                    + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n").getBytes());
            sse.setSoTimeout(10_000);
            java.io.InputStream in = sse.getInputStream();
            byte[] head = new byte[12];
            assertEquals(12, in.readNBytes(head, 0, 12));
            assertEquals("HTTP/1.1 200", new String(head));
            as(TestKeys.TENANT_A).delete("/v1/sessions/" + session + "/tokens/" + subId).then().statusCode(200);
            assertEquals(1008, events.awaitClose());
            assertEquals("token revoked", events.closeReason());
            // The stream ends: the server closes the connection (reading to the end returns).
            in.readAllBytes();
            assertEquals(null, audio.closeCode(), "the producer token is not revoked");
            as(TestKeys.TENANT_A).delete("/v1/sessions/" + session + "/tokens/" + prodId).then().statusCode(200);
            assertEquals(1008, audio.awaitClose());
        }
        assertEquals("active", given().get("/v1/sessions/" + session).then().extract().path("state"),
                "the session goes on");
    }

    @Test
    public void aProducerTokenFeedsAudioButCannotSubscribe() {
        String session = createAs(TestKeys.TENANT_A);
        String producer = token(TestKeys.TENANT_A, session, "producer", 600);
        anonymous().queryParam("token", producer).contentType("audio/pcm").body(new byte[4800])
                .post("/v1/sessions/" + session + "/audio").then().statusCode(200).body("duration_ms", equalTo(100));
        try (WsClient audio = WsClient.connect("/v1/sessions/" + session + "/audio", Map.of(),
                List.of("realtime", "gateway-token." + producer))) {
            audio.sendBinary(new byte[4800]);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) as(TestKeys.TENANT_A)
                    .get("/v1/sessions/" + session).then().extract().path("counters.audio_ms_sent")).intValue() == 200);
        }
        assertEquals(401, WsClient.upgradeStatus("/v1/sessions/" + session + "/events?token=" + producer, Map.of(),
                List.of()));
        anonymous().queryParam("token", producer).get("/v1/sessions/" + session + "/transcript").then().statusCode(401);
        anonymous().queryParam("token", producer).post("/v1/sessions/" + session + "/tokens").then().statusCode(401);
    }

    @Test
    public void tokenRequestsAreValidated() {
        String session = createAs(TestKeys.TENANT_A);
        as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"owner\"}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(400).body("error.param", equalTo("role"));
        as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"subscriber\",\"ttl_seconds\":86401}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(400)
                .body("error.param", equalTo("ttl_seconds"));
        as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"subscriber\",\"scope\":\"all\"}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(400).body("error.param", equalTo("scope"));
        long before = System.currentTimeMillis() / 1000;
        int expiresAt = as(TestKeys.TENANT_A).contentType("application/json").body("{\"role\":\"subscriber\"}")
                .post("/v1/sessions/" + session + "/tokens").then().statusCode(201).extract().path("expires_at");
        assertTrue(expiresAt >= before + 600 && expiresAt <= before + 602, "default TTL is 10 minutes: " + expiresAt);
    }

    @Test
    public void aKeyOnTheRealtimeSocketCreatesASessionThatEndsWithTheConnection() {
        List<String> before = as(TestKeys.TENANT_B).get("/v1/sessions").then().extract().path("data.id");
        String id;
        try (WsClient ws = WsClient.connect("/v1/realtime?intent=transcription", TestKeys.bearer(TestKeys.TENANT_B),
                List.of())) {
            ws.awaitText("\"session.updated\"");
            List<String> after = as(TestKeys.TENANT_B).get("/v1/sessions").then().extract().path("data.id");
            List<String> added = new ArrayList<>(after);
            added.removeAll(before);
            assertEquals(1, added.size());
            id = added.get(0);
            as(TestKeys.TENANT_B).get("/v1/sessions/" + id).then().body("owner", equalTo("tenant-b"))
                    .body("counters.producers_now", equalTo(1));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "closed".equals(as(TestKeys.TENANT_B)
                .get("/v1/sessions/" + id).then().extract().path("state")));
    }

    @Test
    public void healthNeedsNoCredentialAndNoCorsHeadersAreSentByDefault() {
        management().get("/q/health/ready").then().statusCode(200);
        management().header("Origin", "https://evil.example").get("/q/health/live").then().statusCode(200)
                .header("Access-Control-Allow-Origin", (String) null);
        anonymous().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
                .options("/v1/sessions").then().statusCode(403).header("Access-Control-Allow-Origin", (String) null);
    }
}
