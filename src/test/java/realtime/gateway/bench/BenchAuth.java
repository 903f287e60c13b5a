package realtime.gateway.bench;

import java.net.URI;
import java.net.http.HttpRequest;

import io.vertx.core.http.WebSocketConnectOptions;

/** The bench key (env {@code GATEWAY_BENCH_KEY}, set by the bench scripts) as a Bearer credential, when set. */
final class BenchAuth {

    private static final String KEY = System.getenv().getOrDefault("GATEWAY_BENCH_KEY", "");

    private BenchAuth() {
    }

    static HttpRequest.Builder authorized(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        return KEY.isEmpty() ? b : b.header("Authorization", "Bearer " + KEY);
    }

    static WebSocketConnectOptions authorized(WebSocketConnectOptions o) {
        return KEY.isEmpty() ? o : o.addHeader("Authorization", "Bearer " + KEY);
    }
}
