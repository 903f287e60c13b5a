package realtime.gateway.auth;

/**
 * One configured API key. Only the SHA-256 of the key is kept (lower-case hex); the key itself is
 * forgotten once hashed.
 */
public record ApiKey(String name, Role role, String sha256, Quota quota) {

    public boolean admin() {
        return role == Role.ADMIN;
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + ", " + role.wire() + "]";
    }
}
