package realtime.gateway.session;

/**
 * One frame of a session's stream: an upstream frame exactly as received, or a gateway event. The
 * enveloped form is built at most once, however many subscribers ask for it.
 */
public final class Frame {

    private final long seq;
    private final long receivedAt;
    private final String type;
    private final String raw;
    private final boolean gateway;
    private volatile String enveloped;

    Frame(long seq, long receivedAt, String type, String raw, boolean gateway) {
        this.seq = seq;
        this.receivedAt = receivedAt;
        this.type = type;
        this.raw = raw;
        this.gateway = gateway;
    }

    /** Per-session sequence number, from 1. */
    public long seq() {
        return seq;
    }

    /** Epoch milliseconds when the gateway received (or made) the frame. */
    public long receivedAt() {
        return receivedAt;
    }

    /** The wire type; {@code null} for a frame that had none. */
    public String type() {
        return type;
    }

    /** The frame text, byte for byte as the upstream sent it. */
    public String raw() {
        return raw;
    }

    /** True for {@code gateway.*} events, which the gateway itself emits. */
    public boolean gateway() {
        return gateway;
    }

    /** {@code {"seq":N,"received_at":ms,"event":<raw>}}. */
    public String enveloped() {
        String e = enveloped;
        if (e == null) {
            e = "{\"seq\":" + seq + ",\"received_at\":" + receivedAt + ",\"event\":" + rawJsonOrString() + "}";
            enveloped = e;
        }
        return e;
    }

    private String rawJsonOrString() {
        String t = raw.strip();
        if (t.startsWith("{") && t.endsWith("}") && type != null) {
            return raw;
        }
        // A frame that is not a JSON object must not break the envelope: carry it as a string.
        return io.vertx.core.json.Json.encode(raw);
    }
}
