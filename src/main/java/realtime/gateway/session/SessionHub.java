package realtime.gateway.session;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A session's broadcast point: numbers every frame and hands it to each subscriber, in order. Publishing
 * is serialised per session (upstream frames and gateway events never interleave out of sequence);
 * each subscriber's transport does the writing, so a slow one costs the others nothing.
 */
public final class SessionHub {

    private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;
    private long seq;
    private long subscribersTotal;

    public SessionHub(LongSupplier clock) {
        this.clock = clock;
    }

    /** Numbers and broadcasts one frame; returns it. */
    public synchronized Frame publish(String type, String raw, boolean gateway) {
        Frame frame = new Frame(++seq, clock.getAsLong(), type, raw, gateway);
        for (Subscriber s : subscribers) {
            if (!s.offer(frame)) {
                subscribers.remove(s);
            }
        }
        return frame;
    }

    public synchronized void subscribe(Subscriber s) {
        subscribers.add(s);
        subscribersTotal++;
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    /** Closes and removes every subscriber. */
    public synchronized void closeAll(int code, String reason) {
        for (Subscriber s : subscribers) {
            s.close(code, reason);
        }
        subscribers.clear();
    }

    public int subscribersNow() {
        return subscribers.size();
    }

    public synchronized long subscribersTotal() {
        return subscribersTotal;
    }

    /** The sequence number of the last frame published. */
    public synchronized long lastSeq() {
        return seq;
    }
}
