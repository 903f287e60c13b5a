package realtime.gateway.ws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A parsed handshake query string (first value of each name wins). */
record Query(Map<String, String> values) {

    static Query of(String query) {
        Map<String, String> m = new HashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            }
        }
        return new Query(m);
    }

    String get(String name) {
        return values.get(name);
    }
}
