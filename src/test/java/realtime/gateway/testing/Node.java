package realtime.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Node.js for the ITs that use npm libraries (the openai SDK, the Standard Webhooks verifier): each has its own
 * directory under src/test/node with a pinned package-lock.json. Without node and npm the IT is skipped, saying
 * so; {@code .ci/run} installs them.
 */
public final class Node {

    private Node() {
    }

    static boolean runs(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Skips the calling test unless node and npm run; installs {@code dir}'s packages once. */
    public static void require(Path dir, String what) throws Exception {
        Assumptions.assumeTrue(runs("node", "--version") && runs("npm", "--version"),
                "node and npm are not installed: " + what + " is skipped (.ci/run installs them)");
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Process p = start(dir, Map.of(), Files.createTempFile("npm-ci", ".out"), "npm", "ci", "--no-audit", "--no-fund");
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new AssertionError("npm ci failed in " + dir);
            }
        }
    }

    /** Starts {@code command} in {@code dir} with {@code env}, output (and errors) to {@code out}. */
    public static Process start(Path dir, Map<String, String> env, Path out, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs {@code command} in {@code dir} to its end (at most 5 minutes); returns its output; fails on a non-zero exit. */
    public static String run(Path dir, Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile("node", ".out");
        Process p = start(dir, env, out, command);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish:\n" + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + text);
        }
        return text;
    }
}
