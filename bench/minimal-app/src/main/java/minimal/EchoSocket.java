package minimal;

import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;

/** One socket, so the WebSocket extension starts as it does in the gateway. */
@WebSocket(path = "/echo")
public class EchoSocket {

    @OnTextMessage
    public String echo(String text) {
        return text;
    }
}
