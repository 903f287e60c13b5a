package realtime.gateway.event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/** The protocol corpus copied into test resources, and a tree comparison used by the codec tests. */
public final class Corpus {

    private Corpus() {
    }

    public static Path dir() {
        try {
            return Path.of(Corpus.class.getResource("/corpus/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> files(String prefix) {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && n.startsWith(prefix))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(String name) {
        try {
            return Files.readString(dir().resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where {@code expected} has a value that {@code actual} lacks or differs on: the path, or
     * {@code null} when every key of {@code expected} is in {@code actual} with the same value. A JSON
     * null in {@code expected} matches an absent key.
     */
    public static String firstMissing(JsonNode expected, JsonNode actual, String path) {
        if (expected.isNull()) {
            return actual == null || actual.isNull() ? null : path + " (expected null, got " + actual + ")";
        }
        if (actual == null || actual.isMissingNode()) {
            return path + " (missing)";
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return path + " (not an object)";
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String miss = firstMissing(e.getValue(), actual.get(e.getKey()), path + "." + e.getKey());
                if (miss != null) {
                    return miss;
                }
            }
            return null;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return path + " (array differs)";
            }
            for (int i = 0; i < expected.size(); i++) {
                String miss = firstMissing(expected.get(i), actual.get(i), path + "[" + i + "]");
                if (miss != null) {
                    return miss;
                }
            }
            return null;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0 ? null
                    : path + " (" + expected + " != " + actual + ")";
        }
        return expected.equals(actual) ? null : path + " (" + expected + " != " + actual + ")";
    }
}
