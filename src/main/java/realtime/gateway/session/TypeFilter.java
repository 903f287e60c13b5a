package realtime.gateway.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A subscriber's {@code ?types=} filter: a comma list of wire names, where {@code prefix.*} matches every
 * type starting with {@code prefix.}. An empty filter matches everything.
 */
public final class TypeFilter {

    public static final TypeFilter ALL = new TypeFilter(Set.of(), List.of());
    /**
     * Every type OpenAI's protocol has, none of the gateway's own ({@code gateway.*}, such as the local
     * engine's partial captions): what a {@code /v1/realtime} producer sees, as it would from OpenAI.
     */
    public static final TypeFilter OPENAI_ONLY = new TypeFilter(Set.of(), List.of());

    private final Set<String> exact;
    private final List<String> prefixes;

    private TypeFilter(Set<String> exact, List<String> prefixes) {
        this.exact = exact;
        this.prefixes = prefixes;
    }

    /** Parses {@code types}; {@code null} or blank gives {@link #ALL}. */
    public static TypeFilter parse(String types) {
        if (types == null || types.isBlank()) {
            return ALL;
        }
        Set<String> exact = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        for (String part : types.split(",")) {
            String t = part.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (t.equals("*")) {
                return ALL;
            }
            if (t.endsWith(".*")) {
                prefixes.add(t.substring(0, t.length() - 1));
            } else {
                exact.add(t);
            }
        }
        return exact.isEmpty() && prefixes.isEmpty() ? ALL : new TypeFilter(Set.copyOf(exact), List.copyOf(prefixes));
    }

    public boolean matches(String type) {
        if (this == ALL) {
            return true;
        }
        if (this == OPENAI_ONLY) {
            return type == null || !type.startsWith("gateway.");
        }
        if (type == null) {
            return false;
        }
        if (exact.contains(type)) {
            return true;
        }
        for (String p : prefixes) {
            if (type.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
