package realtime.gateway.auth;

import java.util.Locale;

/** What a key may see: {@code admin} every session and every key's usage, {@code client} only its own. */
public enum Role {
    ADMIN, CLIENT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
