package realtime.gateway.upstream;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import realtime.gateway.config.GatewayConfig;

/**
 * The Realtime WebSocket client: {@code {url}?intent=transcription} with the server's own key in the
 * {@code Authorization} header, plus {@code OpenAI-Beta: realtime=v1} in the beta dialect. Frames are
 * handed to the listener on the connection's event loop; nothing here blocks.
 */
@ApplicationScoped
@Identifier(OpenAiUpstream.NAME)
public class OpenAiUpstream implements UpstreamProvider {

    /** The provider name in {@code gateway.upstream.provider}. */
    public static final String NAME = "openai";

    private static final Logger LOG = Logger.getLogger(OpenAiUpstream.class);

    private final GatewayConfig.Upstream config;
    private final WebSocketClient client;

    public OpenAiUpstream(GatewayConfig config, Vertx vertx) {
        this.config = config.upstream();
        // Vert.x queues connects beyond maxConnections per host (default 50) with no timeout: every session
        // needs its own upstream socket at once, so allow as many as there can be sessions, plus closing ones.
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(config.sessions().max() + 64)
                .setMaxFrameSize(this.config.maxFrameBytes())
                .setMaxMessageSize(this.config.maxFrameBytes())
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setTryUsePerMessageCompression(false));
    }

    @Override
    public boolean configured() {
        return config.apiKey().filter(k -> !k.isBlank()).isPresent();
    }

    @Override
    public String notReadyReason() {
        return configured() ? null : "no upstream API key: set the OPENAI_API_KEY environment variable";
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The URL a transcription session connects to. */
    public static URI transcriptionUrl(URI base) {
        String s = base.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "intent=transcription");
    }

    @Override
    public Uni<UpstreamConnection> connect(String sessionId, UpstreamListener listener) {
        if (!configured()) {
            return Uni.createFrom().failure(new IllegalStateException(
                    "no upstream API key: set the OPENAI_API_KEY environment variable"));
        }
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(transcriptionUrl(config.url()).toString())
                .setTimeout(config.connectTimeout().toMillis())
                .addHeader("Authorization", "Bearer " + config.apiKey().get());
        if (config.dialect() == GatewayConfig.Dialect.BETA) {
            options.addHeader("OpenAI-Beta", "realtime=v1");
        }
        return Uni.createFrom().completionStage(() -> client.connect(options).toCompletionStage())
                .map(ws -> attach(sessionId, ws, listener));
    }

    private UpstreamConnection attach(String sessionId, WebSocket ws, UpstreamListener listener) {
        LOG.debugf("session %s: upstream connected", sessionId);
        ws.textMessageHandler(listener::onFrame);
        ws.binaryMessageHandler(b -> listener.onBinaryFrame(b.length()));
        ws.exceptionHandler(e -> LOG.debugf("session %s: upstream socket error: %s", sessionId, e.getMessage()));
        ws.closeHandler(v -> {
            Short code = ws.closeStatusCode();
            listener.onClosed(code == null ? 1006 : code, ws.closeReason() == null ? "" : ws.closeReason());
        });
        return new UpstreamConnection() {
            @Override
            public void send(String text) {
                ws.writeTextMessage(text);
            }

            @Override
            public void close(int code, String reason) {
                if (!ws.isClosed()) {
                    ws.close((short) code, reason);
                }
            }
        };
    }
}
