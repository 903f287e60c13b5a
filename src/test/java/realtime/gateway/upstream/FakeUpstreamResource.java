package realtime.gateway.upstream;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import realtime.gateway.testing.TestKeys;

/** Starts the {@link FakeRealtimeServer}, points the gateway at it, and configures the {@link TestKeys}. */
public class FakeUpstreamResource implements QuarkusTestResourceLifecycleManager {

    private static volatile FakeRealtimeServer server;

    /** The running fake, for tests to script and inspect. */
    public static FakeRealtimeServer server() {
        return server;
    }

    /**
     * The fake connection a gateway session is on now, found by the upstream session id the gateway shows
     * (not by position: other sessions may open connections at any time, reconnects among them).
     */
    public static FakeRealtimeServer.Conn connectionOf(String gatewaySessionId) {
        String[] upstreamId = new String[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            upstreamId[0] = realtime.gateway.testing.Api.given().get("/v1/sessions/" + gatewaySessionId).then()
                    .extract().path("upstream.session_id");
            return upstreamId[0] != null && server.bySessionId(upstreamId[0]) != null;
        });
        return server.bySessionId(upstreamId[0]);
    }

    @Override
    public Map<String, String> start() {
        server = new FakeRealtimeServer().start();
        Map<String, String> config = new java.util.HashMap<>(FakeRealtimeServer.config(server));
        config.putAll(TestKeys.config());
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
