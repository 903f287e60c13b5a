package realtime.gateway.ws;

import io.quarkus.websockets.next.UserData.TypedKey;

/** Per-connection data the endpoints keep. */
final class Keys {

    static final TypedKey<ConnectionSubscriber> SUBSCRIBER = new TypedKey<>("gateway.subscriber");
    static final TypedKey<String> SESSION = TypedKey.forString("gateway.session");
    /** Set when the connection's API key created the session at connect: the session ends with the connection. */
    static final TypedKey<Boolean> CREATED_ON_CONNECT = TypedKey.forBoolean("gateway.created-on-connect");
    static final TypedKey<realtime.gateway.edge.Keepalive.Beat> BEAT = new TypedKey<>("gateway.beat");
    /** The upgraded HTTP connection under the socket: flushed when a close must go out before Vert.x closes it. */
    static final TypedKey<io.vertx.core.http.HttpConnection> HTTP_CONNECTION = new TypedKey<>("gateway.connection");
    static final TypedKey<realtime.gateway.edge.AddressLimits.Lease> LEASE = new TypedKey<>("gateway.lease");

    private Keys() {
    }
}
