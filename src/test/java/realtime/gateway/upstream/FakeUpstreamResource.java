package realtime.gateway.upstream;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts the {@link FakeRealtimeServer} and points the gateway at it. */
public class FakeUpstreamResource implements QuarkusTestResourceLifecycleManager {

    private static volatile FakeRealtimeServer server;

    /** The running fake, for tests to script and inspect. */
    public static FakeRealtimeServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new FakeRealtimeServer().start();
        return FakeRealtimeServer.config(server);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
