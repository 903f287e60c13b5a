package realtime.gateway.session;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One receiver of a session's frames (a WebSocket or SSE connection) with a bounded number of unsent
 * frames. The hub never waits for it: a frame is handed to the transport and counted until the
 * transport reports it written; when more than {@code maxPending} are outstanding the subscriber is
 * closed with 4008 "slow consumer", and nobody else notices.
 */
public abstract class Subscriber {

    /** Close code for a subscriber that fell {@code max-pending} frames behind. */
    public static final int SLOW_CONSUMER = 4008;

    private final String id;
    private final TypeFilter filter;
    private final boolean envelope;
    private final boolean gatewayEvents;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    /** Extra room for a replay burst, used up as its frames are written. */
    private final AtomicInteger burst = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean closeIssued = new AtomicBoolean();
    private volatile int closeCode;
    private volatile String closeReason;

    /**
     * @param gatewayEvents whether {@code gateway.*} events are delivered (always, whatever the filter)
     */
    protected Subscriber(String id, TypeFilter filter, boolean envelope, boolean gatewayEvents, int maxPending) {
        this.id = id;
        this.filter = filter;
        this.envelope = envelope;
        this.gatewayEvents = gatewayEvents;
        this.maxPending = maxPending;
    }

    public String id() {
        return id;
    }

    /**
     * Hands the transport one text. Must not block; must call {@code written} exactly once, when the
     * transport has written the text or failed to.
     */
    protected abstract void send(Frame frame, String text, Runnable written);

    /** Closes the transport with a WebSocket close code and reason. */
    protected abstract void closeTransport(int code, String reason);

    /** Whether this subscriber takes {@code frame} (its type filter, and whether it wants gateway events). */
    final boolean wants(Frame frame) {
        return frame.gateway() ? gatewayEvents : filter.matches(frame.type());
    }

    /** The close code once closed (4008 for a slow consumer), else 0. */
    public int closeCode() {
        return closeCode;
    }

    /** Offers a frame; false when this subscriber overflowed and must be removed. */
    final boolean offer(Frame frame) {
        if (closed.get()) {
            return false;
        }
        if (frame.gateway() ? !gatewayEvents : !filter.matches(frame.type())) {
            return true;
        }
        if (pending.incrementAndGet() > maxPending + Math.max(0, burst.get())) {
            close(SLOW_CONSUMER, "slow consumer");
            return false;
        }
        String text = envelope ? frame.enveloped() : frame.raw();
        try {
            send(frame, text, this::written);
        } catch (RuntimeException e) {
            close(1011, "send failed");
            return false;
        }
        return true;
    }

    /** Frames handed over and not yet written. */
    public int pending() {
        return pending.get();
    }

    /** Lets the next {@code frames} frames (a replay) pass on top of {@code max-pending}. */
    final void allowBurst(int frames) {
        burst.addAndGet(frames);
    }

    private void written() {
        if (burst.get() > 0) {
            burst.decrementAndGet(); // no write on the common path; a race only lets one frame more through
        }
        if (pending.decrementAndGet() == 0 && closed.get()) {
            issueClose();
        }
    }

    /**
     * Closes once; later calls do nothing. A normal close waits until every frame handed over is written,
     * so the final event arrives before the close frame; a slow consumer is closed at once.
     */
    public final void close(int code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeCode = code;
        closeReason = reason;
        if (code == SLOW_CONSUMER || pending.get() <= 0) {
            issueClose();
        }
    }

    private void issueClose() {
        if (closeIssued.compareAndSet(false, true)) {
            closeTransport(closeCode, closeReason);
        }
    }

    public boolean closed() {
        return closed.get();
    }
}
