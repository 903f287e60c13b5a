package realtime.gateway.session;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Transcription latency as a caller feels it: from a turn's {@code speech_stopped} to its first delta and
 * to its {@code completed}. Deltas are forwarded without being decoded, so a delta counts for the oldest
 * stopped turn still waiting for one (turns are transcribed in order almost always; a rare out-of-order
 * delta is attributed to the wrong turn, never counted twice). Bounded: a turn that never completes is
 * forgotten after {@link #MAX_TRACKED} newer ones. Touched only on the session's context.
 */
final class Latencies {

    static final int MAX_TRACKED = 64;

    private final SessionMetrics metrics;
    private final String upstream;
    private final Map<String, Long> stoppedAt = new HashMap<>();
    private final ArrayDeque<String> awaitingDelta = new ArrayDeque<>();
    private final ArrayDeque<String> order = new ArrayDeque<>();

    Latencies(SessionMetrics metrics, String upstream) {
        this.metrics = metrics;
        this.upstream = upstream;
    }

    void speechStopped(String item, long now) {
        if (item == null || stoppedAt.containsKey(item)) {
            return;
        }
        stoppedAt.put(item, now);
        awaitingDelta.add(item);
        order.add(item);
        if (order.size() > MAX_TRACKED) {
            String old = order.poll();
            stoppedAt.remove(old);
            awaitingDelta.remove(old);
        }
    }

    void delta(long now) {
        String item = awaitingDelta.poll();
        Long at = item == null ? null : stoppedAt.get(item);
        if (at != null) {
            metrics.firstDelta(upstream, now - at);
        }
    }

    void completed(String item, long now) {
        Long at = item == null ? null : stoppedAt.remove(item);
        if (at != null) {
            awaitingDelta.remove(item);
            order.remove(item);
            metrics.completed(upstream, now - at);
        }
    }
}
