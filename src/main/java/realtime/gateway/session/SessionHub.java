package realtime.gateway.session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A session's broadcast point: numbers every frame and hands it to each subscriber, in order. Called
 * only on the session's context, so it needs no lock; each subscriber's transport does the writing, so
 * a slow one costs the others nothing.
 */
public final class SessionHub {

    private final List<Subscriber> subscribers = new ArrayList<>();
    private final LongSupplier clock;
    private long seq;
    private long subscribersTotal;

    public SessionHub(LongSupplier clock) {
        this.clock = clock;
    }

    /** Numbers and broadcasts one frame; returns it. Subscribers that overflow are dropped. */
    public Frame publish(String type, String raw, boolean gateway) {
        Frame frame = new Frame(++seq, clock.getAsLong(), type, raw, gateway);
        for (int i = 0; i < subscribers.size(); i++) {
            if (!subscribers.get(i).offer(frame)) {
                subscribers.remove(i--);
            }
        }
        return frame;
    }

    public void subscribe(Subscriber s) {
        subscribers.add(s);
        subscribersTotal++;
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    /** Closes and removes every subscriber. */
    public void closeAll(int code, String reason) {
        for (Subscriber s : subscribers) {
            s.close(code, reason);
        }
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
}
