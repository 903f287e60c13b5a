package realtime.gateway.upstream.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory outside the Java heap, near enough: {@code VmRSS} from {@code /proc/self/status}
 * less the heap in use, read at most every 500 ms. Recognizers live there, in native memory; the heap has its
 * own limit ({@code -Xmx}), and how far it has grown says nothing about them.
 */
final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long FRESH_NANOS = 500_000_000L;
    static final long JVM_OWN_MB = 128;

    private long bytes = -1;
    private long readAt;
    private boolean unavailable;

    /** Resident bytes outside the heap, or -1 where the system does not say (not Linux). */
    synchronized long bytes() {
        long now = System.nanoTime();
        if (unavailable || bytes >= 0 && now - readAt < FRESH_NANOS) {
            return bytes;
        }
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    // Less the heap in use (resident: its objects' pages have been touched); not the committed
                    // heap, part of which may never have been touched. So this errs on the high side.
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    bytes = Math.max(0, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 - heap);
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

    /**
     * The memory outside the heap the pool may use when no limit is configured: the machine's or container's
     * memory (the JVM reads the container's limit) less the largest heap and {@value #JVM_OWN_MB} MB for the
     * JVM itself; at least 1 byte (the pool does not grow), or 0 (no check) where the size is not known.
     */
    static long besideHeap() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            if (total > 0) {
                return Math.max(1, total - Runtime.getRuntime().maxMemory() - JVM_OWN_MB * 1024 * 1024);
            }
        }
        return 0;
    }

    /** True when the figure is known and above {@code limit} bytes ({@code limit} 0: never). */
    boolean above(long limit) {
        if (limit <= 0) {
            return false;
        }
        return bytes() > limit;
    }
}
