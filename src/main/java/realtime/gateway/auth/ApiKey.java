package realtime.gateway.auth;

/**
 * One configured API key. Only the SHA-256 of the key is kept (lower-case hex); the key itself is
 * forgotten once hashed.
 */
public record ApiKey(String name, Role role, String sha256, Quota quota, String webhookUrl) {

    /** A key without a webhook of its own (the {@code gateway.webhooks.url}, if any, gets its events). */
    public ApiKey(String name, Role role, String sha256, Quota quota) {
        this(name, role, sha256, quota, null);
    }

    public boolean admin() {
        return role == Role.ADMIN;
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + ", " + role.wire() + "]";
    }
}
