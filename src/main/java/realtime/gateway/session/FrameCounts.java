package realtime.gateway.session;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** How many upstream frames a session received, in all and by wire type. Touched only on its context. */
final class FrameCounts {

    private final Map<String, long[]> byType = new HashMap<>();
    private long total;

    /** One text frame of {@code type} ({@code null}: no type could be read). */
    void text(String type) {
        total++;
        count(type == null ? "(malformed)" : type);
    }

    /** One binary frame: not part of the protocol, counted and dropped. */
    void binary() {
        count("(binary)");
    }

    private void count(String key) {
        byType.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    long total() {
        return total;
    }

    /** The counts by type, sorted. */
    Map<String, Long> byType() {
        Map<String, Long> out = new TreeMap<>();
        byType.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }
}
