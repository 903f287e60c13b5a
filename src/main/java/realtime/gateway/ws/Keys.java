package realtime.gateway.ws;

import io.quarkus.websockets.next.UserData.TypedKey;

/** Per-connection data the endpoints keep. */
final class Keys {

    static final TypedKey<ConnectionSubscriber> SUBSCRIBER = new TypedKey<>("gateway.subscriber");
    static final TypedKey<String> SESSION = TypedKey.forString("gateway.session");

    private Keys() {
    }
}
