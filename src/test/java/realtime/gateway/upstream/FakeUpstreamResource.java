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
