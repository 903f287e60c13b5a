package realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked from its sources: packages depend on each other without cycles, the
 * socket endpoints do not reach into the REST layer, and the session core holds no lock and no file
 * that does two jobs (about 300 lines; 350 at most).
 */
public class ArchitectureTest {

    static final Path MAIN = Path.of("src", "main", "java", "realtime", "gateway");
    static final Pattern REFERENCE = Pattern.compile("realtime\\.gateway\\.([a-z][a-z.]*?)\\.[A-Z]");

    /** Package → the packages its sources name. */
    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.');
                Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return deps;
    }

    @Test
    public void packagesHaveNoCycles() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        assertTrue(deps.size() >= 9, "found the packages: " + deps.keySet());
        for (String start : deps.keySet()) {
            List<String> path = new ArrayList<>();
            assertFalse(reaches(deps, start, start, path, new TreeSet<>()), () -> "cycle: " + start + " -> " + path);
        }
    }

    private static boolean reaches(Map<String, Set<String>> deps, String from, String target, List<String> path,
            Set<String> seen) {
        for (String next : deps.getOrDefault(from, Set.of())) {
            path.add(next);
            if (next.equals(target) || (seen.add(next) && reaches(deps, next, target, path, seen))) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    @Test
    public void socketsDoNotUseTheRestLayer() throws IOException {
        Set<String> ws = dependencies().get("ws");
        assertTrue(ws.contains("session"), "ws found its dependencies: " + ws);
        assertFalse(ws.contains("api"), "ws depends on api: " + ws);
    }

    @Test
    public void theSessionCoreHoldsNoLockAndNoOversizedFile() throws IOException {
        try (Stream<Path> files = Files.list(MAIN.resolve("session"))) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertTrue(sources.size() > 10);
            for (Path f : sources) {
                List<String> lines = Files.readAllLines(f);
                String text = String.join("\n", lines);
                assertFalse(text.contains("synchronized"), f + " uses synchronized");
                assertFalse(text.contains("java.util.concurrent.locks"), f + " uses a lock");
                // "About 300": SessionCore, with reconnects, is the one file near the bound (see the README).
                assertTrue(lines.size() <= 350, f + " has " + lines.size() + " lines");
            }
        }
    }
}
