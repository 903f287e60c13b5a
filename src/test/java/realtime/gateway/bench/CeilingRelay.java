package realtime.gateway.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The benchmark's ceiling: a minimal Vert.x relay with the gateway's API shape that only reads each
 * upstream socket and writes every frame to that session's subscribers, with no parsing, no queues and
 * no bookkeeping. What remains is the cost of the network path itself. Not part of the product.
 */
public final class CeilingRelay {

    private CeilingRelay() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "18091"));
        String upstream = System.getenv("UPSTREAM_URL");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        var client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
        Map<String, List<ServerWebSocket>> sessions = new ConcurrentHashMap<>();
        AtomicInteger ids = new AtomicInteger();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .webSocketHandler(ws -> {
                    String path = ws.path();
                    String id = path.startsWith("/v1/sessions/") ? path.substring(13, path.lastIndexOf('/')) : "";
                    List<ServerWebSocket> subs = sessions.get(id);
                    if (subs == null) {
                        ws.reject(404);
                        return;
                    }
                    subs.add(ws);
                    ws.closeHandler(v -> subs.remove(ws));
                })
                .requestHandler(req -> {
                    if (req.path().equals("/q/health/ready")) {
                        req.response().end("{\"status\":\"UP\"}");
                    } else if (req.method().name().equals("POST")
                            && req.path().equals("/v1/realtime/transcription_sessions")) {
                        String id = "sess_ceiling" + ids.incrementAndGet();
                        List<ServerWebSocket> subs = new CopyOnWriteArrayList<>();
                        sessions.put(id, subs);
                        client.connect(new WebSocketConnectOptions().setAbsoluteURI(upstream + "?intent=transcription"))
                                .onSuccess(up -> up.textMessageHandler(text -> {
                                    for (ServerWebSocket s : subs) {
                                        s.writeTextMessage(text);
                                    }
                                }));
                        req.response().putHeader("content-type", "application/json").end("{\"id\":\"" + id + "\"}");
                    } else {
                        req.response().setStatusCode(req.method().name().equals("DELETE") ? 200 : 404).end();
                    }
                })
                .listen();
    }
}
