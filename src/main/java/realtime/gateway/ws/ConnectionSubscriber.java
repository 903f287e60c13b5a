package realtime.gateway.ws;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import realtime.gateway.session.Frame;
import realtime.gateway.session.Subscriber;
import realtime.gateway.session.TypeFilter;

/** A {@link Subscriber} whose transport is a server WebSocket connection. */
final class ConnectionSubscriber extends Subscriber {

    private final WebSocketConnection connection;

    ConnectionSubscriber(WebSocketConnection connection, TypeFilter filter, boolean envelope, boolean gatewayEvents,
            int maxPending) {
        super(connection.id(), filter, envelope, gatewayEvents, maxPending);
        this.connection = connection;
    }

    @Override
    protected void send(Frame frame, String text, Runnable written) {
        // subscribe().with, not a CompletionStage: no future and no context capture per delivery.
        connection.sendText(text).subscribe().with(v -> written.run(), e -> written.run());
    }

    @Override
    protected void closeTransport(int code, String reason) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(v -> {
            }, e -> {
            });
        }
    }
}
