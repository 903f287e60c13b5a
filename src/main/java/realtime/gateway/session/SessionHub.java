package realtime.gateway.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A session's broadcast point: numbers every frame, keeps the last ones in a bounded replay log, and hands
 * each to every subscriber, in order. A subscriber that resumes after sequence number {@code after} first
 * gets a {@code gateway.replay} frame saying what follows, then the frames it missed from the log, then the
 * live stream: no gap and no duplicate, because all of it happens in one step on the session's context.
 * Called only on that context, so it needs no lock; each subscriber's transport does the writing.
 */
public final class SessionHub {

    /** How much history a hub keeps: at most {@code maxFrames} frames, none older than {@code maxAgeMs}. */
    public record ReplayLimits(int maxFrames, long maxAgeMs) {
        /** No replay log at all. */
        public static final ReplayLimits NONE = new ReplayLimits(0, 0);
    }

    private final List<Subscriber> subscribers = new ArrayList<>();
    private final ArrayDeque<Frame> log = new ArrayDeque<>();
    private final LongSupplier clock;
    private final ReplayLimits limits;
    private final SessionMetrics metrics;
    private long seq;
    private long subscribersTotal;

    public SessionHub(LongSupplier clock) {
        this(clock, ReplayLimits.NONE);
    }

    public SessionHub(LongSupplier clock, ReplayLimits limits) {
        this(clock, limits, SessionMetrics.NONE);
    }

    public SessionHub(LongSupplier clock, ReplayLimits limits, SessionMetrics metrics) {
        this.clock = clock;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** Numbers, logs and broadcasts one frame; returns it. Subscribers that overflow are dropped. */
    public Frame publish(String type, String raw, boolean gateway) {
        long now = clock.getAsLong();
        Frame frame = new Frame(++seq, now, type, raw, gateway);
        if (limits.maxFrames() > 0) {
            log.addLast(frame);
            trim(now);
        }
        int delivered = 0;
        for (int i = 0; i < subscribers.size(); i++) {
            Subscriber s = subscribers.get(i);
            boolean wanted = s.wants(frame);
            if (!s.offer(frame)) {
                removed(subscribers.remove(i--));
            } else if (wanted) {
                delivered++;
            }
        }
        metrics.delivered(delivered);
        return frame;
    }

    /** Drops the replay log (the transcript was erased): a later resume is told it could not recover. */
    public void forgetLog() {
        log.clear();
    }

    private void trim(long now) {
        while (log.size() > limits.maxFrames()
                || (!log.isEmpty() && log.peekFirst().receivedAt() < now - limits.maxAgeMs())) {
            log.removeFirst();
        }
    }

    public void subscribe(Subscriber s) {
        subscribers.add(s);
        subscribersTotal++;
        metrics.subscribers(1);
    }

    private void removed(Subscriber s) {
        metrics.subscribers(-1);
        if (s.closeCode() == Subscriber.SLOW_CONSUMER) {
            metrics.slowConsumer();
        }
    }

    /** Reports each subscriber's frames not yet written (the metrics sample them once a second). */
    public void sampleQueues() {
        for (Subscriber s : subscribers) {
            metrics.subscriberQueue(s.pending());
        }
    }

    /**
     * Replays what {@code s} missed after {@code after}, then subscribes it (unless {@code live} is false:
     * the session has ended and only its history is served).
     *
     * @param replayEvent makes the {@code gateway.replay} event's text from (from, to, recovered)
     * @return false when the subscriber overflowed during the replay
     */
    public boolean resume(Subscriber s, long after, boolean live, ReplayEvent replayEvent) {
        trim(clock.getAsLong());
        Frame first = log.peekFirst();
        boolean recovered = after >= seq || (first != null && first.seq() <= after + 1);
        long from = recovered ? Math.min(after + 1, seq + 1) : first == null ? seq + 1 : first.seq();
        List<Frame> missed = new ArrayList<>();
        for (Frame f : log) {
            if (f.seq() >= from) {
                missed.add(f);
            }
        }
        s.allowBurst(missed.size() + 1);
        metrics.replay(recovered);
        // Its own sequence number is the last one the subscriber already has: resuming after it loses nothing.
        boolean ok = s.offer(new Frame(after, clock.getAsLong(), GatewayReplay.TYPE,
                replayEvent.text(from, seq, recovered), true));
        for (int i = 0; ok && i < missed.size(); i++) {
            ok = s.offer(missed.get(i));
        }
        if (ok && live) {
            subscribe(s);
        }
        return ok;
    }

    /**
     * A resume position from a caller: {@code null} when absent, else a sequence number (0 or more).
     *
     * @throws Refusal.Rejected naming {@code param} when it is not one
     */
    public static Long after(String value, String param) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long after = Long.parseLong(value.strip());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Refusal.invalid(param, "invalid_value", "Invalid '" + param + "': '" + value
                + "' is not a sequence number; resume with the last seq you received (0 for everything the log holds).");
    }

    /**
     * Adds a subscriber: with {@code after}, first what it missed (see {@link #resume}); to an ended session
     * ({@code endedAs} its final state), only its history, or its closed event when it asked for none; then
     * the subscriber is closed.
     */
    public void join(Subscriber s, Long after, String endedAs, ReplayEvent replayEvent,
            java.util.function.Supplier<String> closedEvent) {
        boolean live = endedAs == null;
        if (after != null && !resume(s, after, live, replayEvent)) {
            return;
        }
        if (live) {
            if (after == null) {
                subscribe(s);
            }
            return;
        }
        if (after == null) {
            s.offer(new Frame(seq, clock.getAsLong(), GatewayEvent.CLOSED, closedEvent.get(), true));
        }
        s.close(1000, "session " + endedAs);
    }

    /** Makes the {@code gateway.replay} event for one resume. */
    @FunctionalInterface
    public interface ReplayEvent {
        String text(long fromSeq, long toSeq, boolean recovered);
    }

    public void unsubscribe(Subscriber s) {
        if (subscribers.remove(s)) {
            metrics.subscribers(-1);
        }
    }

    /** Closes and removes every subscriber. */
    public void closeAll(int code, String reason) {
        for (Subscriber s : subscribers) {
            s.close(code, reason);
        }
        metrics.subscribers(-subscribers.size());
        subscribers.clear();
    }

    public int subscribersNow() {
        return subscribers.size();
    }

    public long subscribersTotal() {
        return subscribersTotal;
    }

    /** The sequence number of the last frame published. */
    public long lastSeq() {
        return seq;
    }

    /** Frames in the replay log now. */
    public int logged() {
        return log.size();
    }
}
