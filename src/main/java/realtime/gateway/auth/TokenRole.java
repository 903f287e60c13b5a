package realtime.gateway.auth;

import java.util.Locale;

/** What a scoped session token allows: reading a session's events and transcript, or feeding it audio. */
public enum TokenRole {
    SUBSCRIBER, PRODUCER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role for a wire name, or null. */
    public static TokenRole of(String wire) {
        for (TokenRole r : values()) {
            if (r.wire().equals(wire)) {
                return r;
            }
        }
        return null;
    }
}
