package realtime.gateway.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Details;

/**
 * The completed transcription items of a session in speech order. Completions may arrive in any order
 * (§f.4), so order comes from the {@code previous_item_id} chain of {@code input_audio_buffer.committed},
 * not from arrival. Touched only on its session's context.
 */
public final class Transcript {

    /** One transcribed turn. Times are where the VAD gave them; usage is the upstream's own. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record Entry(String itemId, String text, Long audioStartMs, Long audioEndMs,
            Details.TranscriptionUsage usage, List<Details.LogProb> logprobs) {
    }

    /**
     * A committed turn as the store keeps it once it has completed or failed: enough to rebuild its place in
     * speech order after a restart. {@code itemId} is the id its chain links use, {@code shownId} the one shown.
     */
    public record Row(String itemId, String shownId, String previousItemId, int connection, long arrival,
            Long audioStartMs, Long audioEndMs, String text, boolean failed, Details.TranscriptionUsage usage,
            List<Details.LogProb> logprobs, boolean stored) {
    }

    /** The transcript as {@code GET /v1/sessions/{id}/transcript} shows it. */
    public record View(String state, String text, List<Entry> entries) {
    }

    private static final class Turn {
        final String itemId;
        /** The id shown: a turn sent again after a reconnect shows the id the new upstream gave it. */
        String shownId;
        String previousItemId;
        boolean committed;
        /** The upstream connection (counted by rotations) that committed it. */
        int connection;
        long arrival;
        Long startMs;
        Long endMs;
        String text;
        boolean failed;
        Details.TranscriptionUsage usage;
        List<Details.LogProb> logprobs;
        /** Handed to the store before: the next row replaces a stored one. */
        boolean stored;

        Turn(String itemId) {
            this.itemId = itemId;
            this.shownId = itemId;
        }
    }

    private final Map<String, Turn> turns = new LinkedHashMap<>();
    /** New item id → the turn it replaces (the same audio, sent again after a reconnect). */
    private final Map<String, Turn> replacements = new HashMap<>();
    private long arrivals;

    private Turn turn(String itemId) {
        Turn replaced = replacements.get(itemId);
        return replaced != null ? replaced : turns.computeIfAbsent(itemId, Turn::new);
    }

    private Turn find(String itemId) {
        Turn replaced = replacements.get(itemId);
        return replaced != null ? replaced : turns.get(itemId);
    }

    /**
     * {@code newId} is the same turn as {@code oldId}, sent again on a new upstream connection: the turn
     * keeps its place in speech order and takes the new id and, when it comes, the new transcription.
     */
    public void replaced(String oldId, String newId) {
        Turn t = turns.get(oldId);
        if (t == null) {
            committed(newId, null);
            return;
        }
        t.shownId = newId;
        t.failed = false;
        replacements.put(newId, t);
    }

    public void speechStarted(String itemId, Long ms) {
        turn(itemId).startMs = ms;
    }

    public void speechStopped(String itemId, Long ms) {
        turn(itemId).endMs = ms;
    }

    public void committed(String itemId, String previousItemId) {
        committed(itemId, previousItemId, 0);
    }

    /**
     * {@code itemId} was committed on upstream connection {@code connection} (numbered by rotations): each
     * connection's chain of turns follows those of the connections before it.
     */
    public void committed(String itemId, String previousItemId, int connection) {
        Turn t = turn(itemId);
        t.committed = true;
        t.connection = connection;
        if (!replacements.containsKey(itemId)) {
            t.previousItemId = previousItemId;
        }
    }

    public void completed(String itemId, String text, Details.TranscriptionUsage usage) {
        completed(itemId, text, usage, null);
    }

    /** The turn's transcription, with the upstream's per-token log probabilities when it sent them. */
    public void completed(String itemId, String text, Details.TranscriptionUsage usage, List<Details.LogProb> logprobs) {
        Turn t = turn(itemId);
        t.text = text == null ? "" : text;
        t.usage = usage;
        t.logprobs = logprobs;
        t.arrival = ++arrivals;
    }

    public void failed(String itemId) {
        turn(itemId).failed = true;
    }

    /** The turn {@code itemId} (any id it was known by) as the store keeps it; null when unknown. */
    public Row row(String itemId) {
        Turn t = find(itemId);
        return t == null ? null : new Row(t.itemId, t.shownId, t.previousItemId, t.connection, t.arrival, t.startMs,
                t.endMs, t.text, t.failed, t.usage, t.logprobs, t.stored);
    }

    /** {@link #row}, for the store: {@code stored} says whether it replaces a row handed over before. */
    public Row toStore(String itemId) {
        Row r = row(itemId);
        Turn t = find(itemId);
        if (t != null) {
            t.stored = true;
        }
        return r;
    }

    /** A transcript rebuilt from stored rows (any order): the same entries as the one they were taken from. */
    public static Transcript restore(List<Row> rows) {
        Transcript out = new Transcript();
        rows.stream().sorted((a, b) -> Long.compare(a.arrival(), b.arrival())).forEach(r -> {
            Turn t = out.turns.computeIfAbsent(r.itemId(), Turn::new);
            t.shownId = r.shownId();
            t.previousItemId = r.previousItemId();
            t.committed = true;
            t.connection = r.connection();
            t.arrival = r.arrival();
            t.startMs = r.audioStartMs();
            t.endMs = r.audioEndMs();
            t.text = r.text();
            t.failed = r.failed();
            t.usage = r.usage();
            t.logprobs = r.logprobs();
            t.stored = true;
            out.arrivals = Math.max(out.arrivals, r.arrival());
            if (!r.shownId().equals(r.itemId())) {
                out.replacements.put(r.shownId(), t);
            }
        });
        return out;
    }

    /**
     * Erases every turn's text, times and usage (a privacy request); turns still being transcribed are kept
     * so their completions find their place. Returns how many completed turns were erased.
     */
    public int erase() {
        int n = 0;
        for (var it = turns.values().iterator(); it.hasNext();) {
            Turn t = it.next();
            if (t.text != null || t.failed) {
                n += t.text != null ? 1 : 0;
                it.remove();
                replacements.values().remove(t);
            }
        }
        return n;
    }

    /** Committed turns whose transcription has neither completed nor failed yet. */
    public int pending() {
        int n = 0;
        for (Turn t : turns.values()) {
            if (t.committed && t.text == null && !t.failed) {
                n++;
            }
        }
        return n;
    }

    /** The ids (as the upstream knows them now) of the turns {@link #pending()} counts. */
    public Set<String> pendingIds() {
        Set<String> ids = new HashSet<>();
        for (Turn t : turns.values()) {
            if (t.committed && t.text == null && !t.failed) {
                ids.add(t.shownId);
            }
        }
        return ids;
    }

    /** Completed turns in speech order. */
    public List<Entry> entries() {
        // Children by previous id; a turn whose predecessor is unknown starts a chain.
        Map<String, List<Turn>> next = new HashMap<>();
        List<Turn> roots = new ArrayList<>();
        for (Turn t : turns.values()) {
            if (!t.committed) {
                continue;
            }
            Turn prev = t.previousItemId == null ? null : find(t.previousItemId);
            if (prev == null || !prev.committed) {
                roots.add(t);
            } else {
                next.computeIfAbsent(prev.itemId, k -> new ArrayList<>()).add(t);
            }
        }
        roots.sort((a, b) -> Integer.compare(a.connection, b.connection)); // stable: arrival order within one
        List<Entry> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Turn root : roots) {
            walk(root, next, seen, out);
        }
        // Completions with no commit seen (should not happen) go last, in arrival order.
        turns.values().stream().filter(t -> !t.committed && t.text != null)
                .sorted((a, b) -> Long.compare(a.arrival, b.arrival)).forEach(t -> out.add(entry(t)));
        return out;
    }

    private void walk(Turn t, Map<String, List<Turn>> next, Set<String> seen, List<Entry> out) {
        for (Turn cur = t; cur != null && seen.add(cur.itemId);) {
            if (cur.text != null) {
                out.add(entry(cur));
            }
            List<Turn> children = next.getOrDefault(cur.itemId, List.of());
            for (int i = 1; i < children.size(); i++) {
                walk(children.get(i), next, seen, out);
            }
            cur = children.isEmpty() ? null : children.get(0);
        }
    }

    private static Entry entry(Turn t) {
        return new Entry(t.shownId, t.text, t.startMs, t.endMs, t.usage, t.logprobs);
    }

    /** The entries and their text, with the session's state. */
    public View view(String state) {
        List<Entry> entries = entries();
        return new View(state, text(entries), entries);
    }

    /** The texts joined by single spaces. */
    public String text() {
        return text(entries());
    }

    private static String text(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            String s = e.text().strip();
            if (!s.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(s);
            }
        }
        return sb.toString();
    }
}
