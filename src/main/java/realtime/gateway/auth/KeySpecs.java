package realtime.gateway.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import realtime.gateway.event.Hashes;

/**
 * Parses {@code gateway.auth.keys}: entries separated by {@code ;} (or new lines), attributes by {@code ,}:
 * <pre>name=ops,role=admin,key-sha256=5e88…;name=web-app,key=…,max-sessions=5,creates-per-minute=10</pre>
 * {@code name} is required; {@code role} is {@code admin} or {@code client} (default); exactly one of
 * {@code key} (at least 32 characters) or {@code key-sha256} (64 hex digits); quotas default to
 * {@code gateway.auth.quota.*}; {@code webhook-url} (http or https, without {@code ,} or {@code ;}) sends the
 * webhooks about the key's sessions there instead of {@code gateway.webhooks.url}. Every mistake is an {@link IllegalArgumentException} naming the entry and
 * attribute, and never quoting a key.
 */
public final class KeySpecs {

    static final int MIN_KEY_LENGTH = 32;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Set<String> ATTRIBUTES = Set.of("name", "role", "key", "key-sha256", "max-sessions",
            "max-session-duration", "audio-seconds-per-day", "creates-per-minute", "webhook-url");
    private static final String ATTRIBUTES_LIST = "name, role, key or key-sha256, max-sessions, max-session-duration, "
            + "audio-seconds-per-day, creates-per-minute, webhook-url";

    private KeySpecs() {
    }

    public static List<ApiKey> parse(String spec, Quota defaults) {
        List<ApiKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        int index = 0;
        for (String entry : spec.split("[;\\n]")) {
            if (entry.isBlank()) {
                continue;
            }
            index++;
            ApiKey key = entry(entry.strip(), index, defaults);
            if (!names.add(key.name())) {
                throw new IllegalArgumentException("gateway.auth.keys: the name '" + key.name()
                        + "' is used by more than one key; names must be unique");
            }
            if (!hashes.add(key.sha256())) {
                throw new IllegalArgumentException("gateway.auth.keys: key '" + key.name()
                        + "' has the same secret as an earlier key; give every key its own");
            }
            keys.add(key);
        }
        return keys;
    }

    private static ApiKey entry(String entry, int index, Quota defaults) {
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String part : entry.split(",")) {
            int eq = part.indexOf('=');
            String name = (eq < 0 ? part : part.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            if (eq < 0) {
                // Not quoted: a part without '=' may well be a key pasted on its own.
                throw new IllegalArgumentException("gateway.auth.keys entry " + index
                        + ": a part has no '=' (not shown, it may be a key); use name=value pairs from " + ATTRIBUTES_LIST);
            }
            if (!ATTRIBUTES.contains(name)) {
                throw new IllegalArgumentException("gateway.auth.keys entry " + index + ": '"
                        + (name.length() > 24 ? name.substring(0, 24) + "…" : name) + "' is not an attribute; use "
                        + ATTRIBUTES_LIST);
            }
            if (attrs.put(name, part.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("gateway.auth.keys entry " + index + ": '" + name + "' is given twice");
            }
        }
        String where = "gateway.auth.keys entry " + index;
        String name = attrs.get("name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": 'name' is required: 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        where += " ('" + name + "')";
        Role role;
        try {
            role = Role.valueOf(attrs.getOrDefault("role", "client").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": 'role' must be admin or client");
        }
        String key = attrs.get("key");
        String hash = attrs.get("key-sha256");
        if ((key == null) == (hash == null)) {
            throw new IllegalArgumentException(where + ": give exactly one of 'key' or 'key-sha256'");
        }
        if (key != null && key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(where + ": 'key' is " + key.length() + " characters; use at least "
                    + MIN_KEY_LENGTH + " random characters (openssl rand -hex 32)");
        }
        if (hash != null && !HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException(where + ": 'key-sha256' must be 64 hex digits (sha256sum of the key)");
        }
        Quota q = new Quota(
                positiveInt(attrs, "max-sessions", defaults.maxSessions(), where),
                duration(attrs, "max-session-duration", defaults.maxSessionDuration(), where),
                positiveLong(attrs, "audio-seconds-per-day", defaults.audioSecondsPerDay(), where),
                positiveInt(attrs, "creates-per-minute", defaults.createsPerMinute(), where));
        String hook = attrs.get("webhook-url");
        if (hook != null) {
            java.net.URI u;
            try {
                u = new java.net.URI(hook);
            } catch (java.net.URISyntaxException e) {
                u = null;
            }
            if (u == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException(where + ": 'webhook-url' must be an http or https URL");
            }
        }
        return new ApiKey(name, role, key != null ? Hashes.sha256(key) : hash.toLowerCase(Locale.ROOT), q, hook);
    }

    private static int positiveInt(Map<String, String> attrs, String attr, int dflt, String where) {
        long v = positiveLong(attrs, attr, dflt, where);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": '" + attr + "' must be at most " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private static long positiveLong(Map<String, String> attrs, String attr, long dflt, String where) {
        String v = attrs.get(attr);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(where + ": '" + attr + "' must be a positive whole number (got '" + v + "')");
    }

    private static Duration duration(Map<String, String> attrs, String attr, Duration dflt, String where) {
        String v = attrs.get(attr);
        if (v == null) {
            return dflt;
        }
        Matcher m = DURATION.matcher(v);
        if (m.matches() && Long.parseLong(m.group(1)) > 0) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        throw new IllegalArgumentException(where + ": '" + attr + "' must be a positive duration such as 90s, 30m or 2h (got '"
                + v + "')");
    }
}
