package realtime.gateway.ws;

import io.quarkus.websockets.next.UserData.TypedKey;

/** Per-connection data the endpoints keep. */
final class Keys {

    static final TypedKey<ConnectionSubscriber> SUBSCRIBER = new TypedKey<>("gateway.subscriber");
    static final TypedKey<String> SESSION = TypedKey.forString("gateway.session");
    /** Set when the connection's API key created the session at connect: the session ends with the connection. */
    static final TypedKey<Boolean> CREATED_ON_CONNECT = TypedKey.forBoolean("gateway.created-on-connect");

    private Keys() {
    }
}
