package realtime.gateway.upstream.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory, from {@code /proc/self/status} ({@code VmRSS}), read at most every 500 ms.
 * Recognizers live in native memory, outside the Java heap, so this is the figure a container limit applies to.
 */
final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long FRESH_NANOS = 500_000_000L;

    private long bytes = -1;
    private long readAt;
    private boolean unavailable;

    /** Resident bytes, or -1 where the system does not say (not Linux). */
    synchronized long bytes() {
        long now = System.nanoTime();
        if (unavailable || bytes >= 0 && now - readAt < FRESH_NANOS) {
            return bytes;
        }
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    bytes = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    readAt = now;
                    return bytes;
                }
            }
            unavailable = true;
        } catch (IOException | NumberFormatException e) {
            unavailable = true;
        }
        bytes = -1;
        return bytes;
    }

    /** True when resident memory is known and above {@code limit} bytes ({@code limit} 0: never). */
    boolean above(long limit) {
        if (limit <= 0) {
            return false;
        }
        return bytes() > limit;
    }
}
