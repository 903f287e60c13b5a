package realtime.gateway.session;

/** The registry already holds {@code gateway.sessions.max} open sessions. */
public class RegistryFullException extends RuntimeException {

    public RegistryFullException(int max) {
        super("the gateway already has " + max + " open sessions (gateway.sessions.max); close one or retry later");
    }
}
