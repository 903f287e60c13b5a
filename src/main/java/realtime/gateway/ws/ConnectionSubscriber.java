package realtime.gateway.ws;

import java.util.concurrent.CompletionStage;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import realtime.gateway.session.Frame;
import realtime.gateway.session.Subscriber;
import realtime.gateway.session.TypeFilter;

/** A {@link Subscriber} whose transport is a server WebSocket connection. */
final class ConnectionSubscriber extends Subscriber {

    private final WebSocketConnection connection;
    /** The last send handed to the transport; a close waits for it so the final event goes out first. */
    private volatile CompletionStage<?> lastSend = java.util.concurrent.CompletableFuture.completedFuture(null);

    ConnectionSubscriber(WebSocketConnection connection, TypeFilter filter, boolean envelope, boolean gatewayEvents,
            int maxPending) {
        super(connection.id(), filter, envelope, gatewayEvents, maxPending);
        this.connection = connection;
    }

    @Override
    protected CompletionStage<?> send(Frame frame, String text) {
        CompletionStage<?> sent = connection.sendText(text).subscribeAsCompletionStage();
        lastSend = sent;
        return sent;
    }

    @Override
    protected void closeTransport(int code, String reason) {
        if (code == SLOW_CONSUMER) {
            // Do not wait behind the backlog that caused the cut.
            closeNow(code, reason);
        } else {
            lastSend.whenComplete((ok, err) -> closeNow(code, reason));
        }
    }

    private void closeNow(int code, String reason) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(v -> {
            }, e -> {
            });
        }
    }
}
