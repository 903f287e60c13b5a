package realtime.gateway.upstream.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Details;
import realtime.gateway.event.Wire;

/**
 * What one turn's recognized words become on the wire: while it is spoken, {@code gateway.transcription.partial}
 * events whose {@code stable_text} is the prefix that has not changed for {@link #STABLE_AFTER_MS}; once it
 * has ended, one delta per word (concatenated they are exactly the transcript) with a log-probability from
 * the word's confidence. Not thread-safe: one turn, on the session's serial executor.
 */
final class Captions {

    /** A partial's words that stay the same for this much audio are stable. */
    static final long STABLE_AFTER_MS = 500;

    /**
     * {@code gateway.transcription.partial}: revisable words of a turn still being spoken; {@code item_id} is the
     * turn's item once the VAD has named it ({@code speech_started}), null in manual-commit sessions.
     */
    @Wire
    @RegisterForReflection
    record Partial(String type, String eventId, Optional<String> itemId, String text, String stableText, long audioStartMs,
            long audioEndMs) {
        static final String TYPE = "gateway.transcription.partial";
    }

    private record Seen(long audioMs, List<String> words) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private List<String> stable = List.of();
    private String lastText = "";

    /**
     * The partial event for {@code words} recognized in the first {@code audioMs} of the turn, or null when
     * there is nothing new to show.
     */
    Partial partial(String eventId, String itemId, long turnStartMs, long audioMs, List<Turn.Word> words) {
        List<String> now = words.stream().map(Turn.Word::word).toList();
        String text = String.join(" ", now);
        if (text.isEmpty() || text.equals(lastText)) {
            return null;
        }
        lastText = text;
        // Stable: the common prefix with what was recognized at least STABLE_AFTER_MS of audio earlier.
        Seen before = null;
        for (Seen s : seen) {
            if (s.audioMs() <= audioMs - STABLE_AFTER_MS) {
                before = s;
            }
        }
        seen.add(new Seen(audioMs, now));
        if (before != null) {
            List<String> common = commonPrefix(before.words(), now);
            stable = common.size() >= stable.size() || !startsWith(now, stable) ? common : stable;
        }
        if (!startsWith(now, stable)) {
            stable = commonPrefix(stable, now);
        }
        return new Partial(Partial.TYPE, eventId, Optional.ofNullable(itemId), text, String.join(" ", stable), turnStartMs,
                turnStartMs + audioMs);
    }

    /** The final text: the words joined by single spaces. */
    static String text(List<Turn.Word> words) {
        return String.join(" ", words.stream().map(Turn.Word::word).toList());
    }

    /** One delta per word: the first bare, each later one with its leading space. */
    static List<String> deltas(List<Turn.Word> words) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            out.add((i == 0 ? "" : " ") + words.get(i).word());
        }
        return out;
    }

    /** The log-probability of a delta: ln(confidence), the token its text, the bytes its UTF-8. */
    static Details.LogProb logprob(String delta, double confidence) {
        List<Integer> bytes = new ArrayList<>();
        for (byte b : delta.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        double p = Math.max(1e-6, Math.min(1, confidence));
        return new Details.LogProb(delta, Math.round(Math.log(p) * 1e6) / 1e6, bytes);
    }

    /** Log-probabilities for every delta, when the session asked for them. */
    static Optional<List<Details.LogProb>> logprobs(List<Turn.Word> words, boolean wanted) {
        if (!wanted) {
            return null;
        }
        List<String> d = deltas(words);
        List<Details.LogProb> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            out.add(logprob(d.get(i), words.get(i).conf()));
        }
        return Optional.of(out);
    }

    private static List<String> commonPrefix(List<String> a, List<String> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
            n++;
        }
        return List.copyOf(a.subList(0, n));
    }

    private static boolean startsWith(List<String> words, List<String> prefix) {
        return words.size() >= prefix.size() && words.subList(0, prefix.size()).equals(prefix);
    }
}
