package realtime.gateway.ws;

import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import realtime.gateway.session.SessionRegistry;

/**
 * {@code /v1/sessions/{id}/audio}: binary frames are audio in the session's input format (PCM16 24 kHz
 * mono by default), text frames are client events. Only errors about this connection's own input are
 * sent back; events go to subscribers.
 */
@WebSocket(path = "/v1/sessions/{id}/audio", endpointId = AudioSocket.ID)
public class AudioSocket {

    static final String ID = "audio";

    private final SessionRegistry registry;
    private final ProducerInput input;

    public AudioSocket(SessionRegistry registry, ProducerInput input) {
        this.registry = registry;
        this.input = input;
    }

    @OnOpen
    @NonBlocking
    public void open(WebSocketConnection connection) {
        registry.get(connection.pathParam("id")).ifPresent(s -> s.producerAttached());
    }

    /** The next frame is read once this one is handed upstream (serial inbound processing). */
    @OnBinaryMessage
    @NonBlocking
    public Uni<Void> audio(WebSocketConnection connection, Buffer audio) {
        return registry.get(connection.pathParam("id"))
                .map(s -> ProducerInput.replyIfAny(input.audio(s, audio.getBytes()), connection::sendText))
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    @OnTextMessage
    @NonBlocking
    public Uni<Void> text(WebSocketConnection connection, String text) {
        return registry.get(connection.pathParam("id"))
                .map(s -> ProducerInput.replyIfAny(input.text(s, text), connection::sendText))
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    @OnClose
    @NonBlocking
    public void close(WebSocketConnection connection) {
        registry.get(connection.pathParam("id")).ifPresent(s -> s.producerDetached());
    }
}
