package realtime.gateway.upstream;

import java.net.URI;
import java.util.Base64;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import realtime.gateway.audio.AudioFormat;
import realtime.gateway.config.GatewayConfig;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.RealtimeCodec;

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
    private final RealtimeCodec codec = new RealtimeCodec();

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

    /**
     * A 4xx at the handshake (bad key, unknown model, forbidden), or no key at all: the same request will not
     * succeed (a create answers 502 at once instead of retrying).
     */
    @Override
    public boolean fatal(Throwable connectFailure) {
        if (connectFailure instanceof NoKey) {
            return true;
        }
        return connectFailure instanceof io.vertx.core.http.UpgradeRejectedException r && r.getStatus() >= 400
                && r.getStatus() < 500 && r.getStatus() != 408 && r.getStatus() != 429;
    }

    /** The connect that cannot start: no key is configured. */
    static final class NoKey extends IllegalStateException {
        NoKey() {
            super("no upstream API key: set the OPENAI_API_KEY environment variable");
        }
    }

    /** OpenAI ends a Realtime session after 60 minutes; {@code gateway.upstream.max-session-age} overrides it. */
    @Override
    public java.util.Optional<java.time.Duration> maxSessionAge() {
        return java.util.Optional.of(config.maxSessionAge().orElse(java.time.Duration.ofMinutes(60)));
    }

    /** The URL a transcription session connects to. */
    public static URI transcriptionUrl(URI base) {
        String s = base.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "intent=transcription");
    }

    @Override
    public Uni<UpstreamConnection> connect(String sessionId, UpstreamListener listener) {
        if (!configured()) {
            return Uni.createFrom().failure(new NoKey());
        }
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(transcriptionUrl(config.url()).toString())
                .setTimeout(config.connectTimeout().toMillis())
                .addHeader("Authorization", "Bearer " + config.apiKey().get());
        if (config.dialect() == GatewayConfig.Dialect.BETA) {
            options.addHeader("OpenAI-Beta", "realtime=v1");
        }
        return Uni.createFrom().completionStage(() -> {
            // The handlers are in place before the handshake: the upstream's first frame (session.created) can
            // arrive with the handshake's reply, before any callback on the finished connect could set them.
            ClientWebSocket ws = client.webSocket();
            UpstreamConnection conn = attach(sessionId, ws, listener);
            return ws.connect(options).map(v -> conn).toCompletionStage();
        });
    }

    private UpstreamConnection attach(String sessionId, WebSocket ws, UpstreamListener listener) {
        ws.textMessageHandler(listener::onFrame);
        ws.binaryMessageHandler(b -> listener.onBinaryFrame(b.length()));
        ws.exceptionHandler(e -> LOG.debugf("session %s: upstream socket error: %s", sessionId, e.getMessage()));
        ws.closeHandler(v -> {
            Short code = ws.closeStatusCode();
            listener.onClosed(code == null ? 1006 : code, ws.closeReason() == null ? "" : ws.closeReason());
        });
        return new Connection(ws, config.dialect(), codec);
    }

    /** The Realtime socket as a typed port: base64 and JSON are made here, once, in the upstream's dialect. */
    static final class Connection implements UpstreamConnection {

        private static final String APPEND_HEAD = "{\"type\":\"" + ClientEvent.InputAudioBufferAppend.TYPE
                + "\",\"audio\":\"";

        private final WebSocket ws;
        private final GatewayConfig.Dialect dialect;
        private final RealtimeCodec codec;

        Connection(WebSocket ws, GatewayConfig.Dialect dialect, RealtimeCodec codec) {
            this.ws = ws;
            this.dialect = dialect;
            this.codec = codec;
        }

        @Override
        public CompletionStage<Void> appendAudio(byte[] audio, AudioFormat format) {
            // The session sends only its own input format here (acceptsPcmRate is false for this provider).
            String b64 = Base64.getEncoder().encodeToString(audio);
            StringBuilder sb = new StringBuilder(APPEND_HEAD.length() + b64.length() + 2);
            return write(sb.append(APPEND_HEAD).append(b64).append("\"}").toString());
        }

        @Override
        public CompletionStage<Void> send(ClientEvent event) {
            return write(codec.encode(inDialect(event, dialect)));
        }

        @Override
        public CompletionStage<Void> sendRaw(String text) {
            return write(text);
        }

        private CompletionStage<Void> write(String text) {
            return ws.writeTextMessage(text).toCompletionStage();
        }

        @Override
        public boolean writeQueueFull() {
            return ws.writeQueueFull();
        }

        /**
         * Calls {@code ready} once the write queue has room. The session may call this from a worker thread
         * (a REST upload runs its step where it arrives) while the socket drains on its event loop: the
         * handler is set first and the queue checked after, so a drain between the two is never missed, and
         * {@code ready} runs once whichever sees it first.
         */
        @Override
        public void onDrain(Runnable ready) {
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable once = () -> {
                if (done.compareAndSet(false, true)) {
                    ready.run();
                }
            };
            ws.drainHandler(v -> once.run());
            if (!ws.writeQueueFull()) {
                once.run();
            }
        }

        @Override
        public void close(int code, String reason) {
            if (!ws.isClosed()) {
                ws.close((short) code, reason);
            }
        }
    }

    /**
     * A client event in the upstream's dialect: a beta {@code transcription_session.update} goes to a GA
     * upstream as {@code session.update}, and a GA one to a beta upstream the other way.
     */
    static ClientEvent inDialect(ClientEvent event, GatewayConfig.Dialect dialect) {
        if (event instanceof ClientEvent.TranscriptionSessionUpdate u && dialect == GatewayConfig.Dialect.GA) {
            return new ClientEvent.SessionUpdate(u.eventId(), Dialects.toGa(u.session()));
        }
        if (event instanceof ClientEvent.SessionUpdate u && dialect == GatewayConfig.Dialect.BETA
                && Dialects.isGa(u.session())) {
            return new ClientEvent.TranscriptionSessionUpdate(u.eventId(), Dialects.toBeta(u.session()));
        }
        return event;
    }
}
