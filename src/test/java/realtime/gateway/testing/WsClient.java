package realtime.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/** A test WebSocket client that records every text frame and the close code, on its own Vert.x. */
public final class WsClient implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();

    private final WebSocket ws;
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private volatile Integer closeCode;
    private volatile String closeReason;

    private WsClient(WebSocket ws) {
        this.ws = ws;
        ws.textMessageHandler(texts::add);
        ws.closeHandler(v -> {
            closeReason = ws.closeReason();
            closeCode = ws.closeStatusCode() == null ? 1006 : (int) ws.closeStatusCode();
        });
    }

    /** Connects to {@code path} on the application under test with the test admin key. */
    public static WsClient connect(String path) {
        return connect(path, TestKeys.bearer(TestKeys.ADMIN), List.of());
    }

    /** Connects with exactly these headers and subprotocols (no credential unless given). */
    public static WsClient connect(String path, Map<String, String> headers, List<String> subprotocols) {
        // Handlers are set before the connect, so no early frame or close is missed: a server that sends its last
        // frame and closes right after the handshake (an ended session) is seen whole.
        ClientWebSocket ws = client().webSocket();
        WsClient c = new WsClient(ws);
        return ws.connect(options(path, headers, subprotocols)).map(v -> c).toCompletionStage().toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static io.vertx.core.http.WebSocketClient client() {
        return VERTX.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(32 << 20)
                .setMaxMessageSize(32 << 20));
    }

    private static WebSocketConnectOptions options(String path, Map<String, String> headers, List<String> subprotocols) {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(RestAssured.port)
                .setURI(path).setSubProtocols(subprotocols.isEmpty() ? null : subprotocols);
        headers.forEach(o::addHeader);
        return o;
    }

    /** The HTTP status an upgrade is refused with, or 101 when it is accepted (the socket is then closed). */
    public static int upgradeStatus(String path, Map<String, String> headers, List<String> subprotocols) {
        try {
            WebSocket ws = open(path, headers, subprotocols, w -> w).orTimeout(10, TimeUnit.SECONDS).join();
            ws.close();
            return 101;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UpgradeRejectedException r) {
                return r.getStatus();
            }
            throw e;
        }
    }

    private static <T> CompletableFuture<T> open(String path, Map<String, String> headers,
            List<String> subprotocols, java.util.function.Function<WebSocket, T> onOpen) {
        return client().connect(options(path, headers, subprotocols)).map(onOpen::apply).toCompletionStage()
                .toCompletableFuture();
    }

    public List<String> texts() {
        return new ArrayList<>(texts);
    }

    /** Waits until at least {@code n} texts arrived and returns the first {@code n}. */
    public List<String> await(int n) {
        Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> texts.size() >= n);
        return texts().subList(0, n);
    }

    /** Waits for a text containing {@code fragment} and returns it. */
    public String awaitText(String fragment) {
        Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> texts.stream().anyMatch(t -> t.contains(fragment)));
        return texts.stream().filter(t -> t.contains(fragment)).findFirst().orElseThrow();
    }

    public int awaitClose() {
        Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> closeCode != null);
        assertNotNull(closeCode);
        return closeCode;
    }

    public Integer closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    public String subprotocol() {
        return ws.subProtocol();
    }

    public void send(String text) {
        ws.writeTextMessage(text).toCompletionStage().toCompletableFuture().join();
    }

    public void sendBinary(byte[] data) {
        ws.writeBinaryMessage(Buffer.buffer(data)).toCompletionStage().toCompletableFuture().join();
    }

    /** Stops reading from the socket, so the server's writes back up. */
    public void pause() {
        ws.pause();
    }

    public void resume() {
        ws.resume();
    }

    @Override
    public void close() {
        if (!ws.isClosed()) {
            ws.close();
        }
    }
}
