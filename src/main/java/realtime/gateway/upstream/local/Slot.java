package realtime.gateway.upstream.local;

import java.util.ArrayList;
import java.util.List;

import org.vosk.Recognizer;

/**
 * One place in the {@link LocalEngine}'s pool: a Vosk recognizer and the turn whose audio it holds, if any.
 * The engine changes {@code owner}, {@code previous}, {@code fresh} and {@code lastUsed} under its lock when a
 * job starts or ends; the rest is touched only by the worker running the slot's job (one at a time).
 */
final class Slot {

    /** Made on the worker when its first job starts ({@code null} until then, and after a recycle). */
    private Recognizer recognizer;
    /**
     * Samples decoded by the current recognizer (its graph cache grows with them): written by the worker, read
     * under the engine's lock to choose among recognizers.
     */
    private volatile long decoded;

    Turn owner;
    Turn previous;
    boolean fresh;
    long lastUsed = System.nanoTime();
    /** Worker state for the owner's turn: samples fed, words Vosk already finalized. */
    int fed;
    final List<Turn.Word> settled = new ArrayList<>();

    Slot() {
    }

    Slot(Recognizer warm) {
        this.recognizer = warm;
    }

    /** The recognizer, made on first use (cold: a grown pool's turns are waiting for it). */
    Recognizer recognizer(Vosk vosk) {
        if (recognizer == null) {
            recognizer = vosk.cold();
        }
        return recognizer;
    }

    void decoded(int samples) {
        decoded += samples;
    }

    /** True when it holds no turn that is still wanted: free for any job. */
    boolean holdsNoTurn() {
        return owner == null || owner.cancelled();
    }

    /** Samples the current recognizer has decoded. */
    long decoded() {
        return decoded;
    }

    /** Puts a new recognizer in place of the current one, which it frees. */
    void install(Recognizer fresh) {
        release();
        recognizer = fresh;
    }

    /** Frees the recognizer's native memory; a later job makes a new one. */
    void release() {
        if (recognizer != null) {
            recognizer.close();
            recognizer = null;
            decoded = 0;
        }
    }
}
