package realtime.gateway.upstream.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.vosk.Recognizer;

/**
 * One turn being transcribed by the {@link LocalEngine}: audio (24 kHz PCM16) is appended as it is spoken;
 * partial results are asked for while it grows and the final result once it has ended. Results arrive on
 * an engine thread. Thread-safe.
 */
public final class Turn {

    /** Audio samples fed to a recognizer per call, so its endpointing can split long turns. */
    private static final int FEED_SAMPLES = LocalEngine.RATE / 5;
    /**
     * A partial for a turn no recognizer holds decodes the turn from its start on another's recognizer: worth it
     * while the turn is this short; past it the partial is dropped (partials are a courtesy, the final is not).
     */
    static final int MAX_PARTIAL_TAKEOVER = LocalEngine.RATE * 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A recognized word: times in seconds from the start of the turn, confidence 0..1. */
    public record Word(String word, double start, double end, double conf) {
    }

    /** Where results go. */
    public interface Results {
        /** The words recognized so far in the first {@code audioMs} of the turn (revisable). */
        void partial(List<Word> words, long audioMs);

        /** The turn's words, final. */
        void done(List<Word> words, long audioMs);

        /** The engine could not transcribe the turn. */
        void failed(Throwable error);
    }

    private final LocalEngine engine;
    private final String name;
    private final Results results;
    private short[] audio = new short[LocalEngine.RATE * 2];
    private int length;
    private boolean ended;
    private boolean partialWaiting;
    private volatile boolean cancelled;

    Turn(LocalEngine engine, String name, Results results) {
        this.engine = engine;
        this.name = name;
        this.results = results;
    }

    public synchronized void append(short[] samples, int from, int count) {
        if (ended) {
            throw new IllegalStateException(name + " has ended");
        }
        if (length + count > audio.length) {
            audio = Arrays.copyOf(audio, Math.max(audio.length * 2, length + count));
        }
        System.arraycopy(samples, from, audio, length, count);
        length += count;
    }

    /** Samples in the turn. */
    synchronized int samples() {
        return length;
    }

    /** The engine dropped the partial this turn asked for: a later one may be asked. */
    synchronized void partialDropped() {
        partialWaiting = false;
    }

    /** Asks for a partial result of what the turn holds when a recognizer gets to it (at most one waiting). */
    public void requestPartial() {
        synchronized (this) {
            if (partialWaiting || ended || cancelled) {
                return;
            }
            partialWaiting = true;
        }
        engine.submit(new RecognizerPool.Job(this, false));
    }

    /** The turn is complete: its final result comes next, ahead of every partial waiting. */
    public void end() {
        synchronized (this) {
            ended = true;
        }
        engine.submit(new RecognizerPool.Job(this, true));
    }

    /** Nobody wants the results any more (the session ended). */
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** True once the turn has ended: a partial still queued for it is worth nothing now. */
    synchronized boolean ended() {
        return ended;
    }

    void failed(Throwable e) {
        if (!cancelled) {
            results.failed(e);
        }
    }

    /**
     * Runs one job on {@code slot}'s recognizer {@code r} (an engine thread, one at a time per slot) and returns
     * the delivery of its result, which the engine runs once the recognizer is back in its pool: whoever the
     * result sets going (the next turn of the same speaker) then finds the recognizer that was just used free.
     */
    Runnable work(Slot slot, Recognizer r, boolean last) {
        short[] snapshot;
        int len;
        synchronized (this) {
            snapshot = audio;
            len = length;
            if (!last) {
                partialWaiting = false;
            }
        }
        if (slot.fresh) {
            if (slot.previous != null) {
                // Finalize, not just reset: a reset leaves audio the decoder has not consumed in its feature
                // pipeline, which would start this turn with the end of the last one.
                r.getFinalResult();
            }
            r.reset();
            slot.fresh = false;
            slot.previous = null;
            slot.fed = 0;
            slot.settled.clear();
        }
        for (int off = slot.fed; off < len; off += FEED_SAMPLES) {
            int n = Math.min(FEED_SAMPLES, len - off);
            if (r.acceptWaveForm(Arrays.copyOfRange(snapshot, off, off + n), n)) {
                slot.settled.addAll(words(r.getResult()));
            }
        }
        slot.decoded(len - slot.fed);
        slot.fed = len;
        long ms = len * 1000L / LocalEngine.RATE;
        if (!last) {
            List<Word> now = new ArrayList<>(slot.settled);
            now.addAll(partialWords(r.getPartialResult()));
            return () -> {
                if (!cancelled) {
                    results.partial(now, ms);
                }
            };
        }
        List<Word> all = new ArrayList<>(slot.settled);
        all.addAll(words(r.getFinalResult()));
        r.reset();
        slot.fed = 0;
        slot.settled.clear();
        return () -> {
            if (!cancelled) {
                results.done(all, ms);
            }
        };
    }

    /** The words of a Vosk result ({@code {"result":[{word,start,end,conf}…],"text":…}}), unknowns left out. */
    static List<Word> words(String json) {
        List<Word> out = new ArrayList<>();
        for (JsonNode w : tree(json).path("result")) {
            String word = w.path("word").asText();
            if (!word.isEmpty() && !word.equals("[unk]")) {
                out.add(new Word(word, w.path("start").asDouble(), w.path("end").asDouble(), w.path("conf").asDouble(1)));
            }
        }
        return out;
    }

    /** The words of a Vosk partial ({@code {"partial":"…"}}): no times or confidences yet. */
    static List<Word> partialWords(String json) {
        List<Word> out = new ArrayList<>();
        for (String word : tree(json).path("partial").asText("").split("\\s+")) {
            if (!word.isEmpty() && !word.equals("[unk]")) {
                out.add(new Word(word, -1, -1, -1));
            }
        }
        return out;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Vosk returned a result that is not JSON: " + e.getMessage(), e);
        }
    }
}
