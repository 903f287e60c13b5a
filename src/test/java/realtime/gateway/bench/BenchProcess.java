package realtime.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the load generators share: their {@code --key=value} arguments and the target's CPU from /proc. */
final class BenchProcess {

    private BenchProcess() {
    }

    /** {@code --key=value} into a map; a bare {@code --flag} maps to "true". */
    static Map<String, String> args(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String s : args) {
            if (s.startsWith("--") && s.contains("=")) {
                m.put(s.substring(2, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            } else if (s.startsWith("--")) {
                m.put(s.substring(2), "true");
            }
        }
        return m;
    }

    /** User + system CPU ticks (1/100 s) of process {@code pid}; 0 when no pid was given. */
    static long cpuTicks(long pid) throws IOException {
        if (pid == 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
