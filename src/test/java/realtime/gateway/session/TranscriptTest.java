package realtime.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import realtime.gateway.event.Details;

/** Speech order comes from the committed chain, not from completion arrival. */
class TranscriptTest {

    @Test
    void completionsOutOfOrderAreOrderedByThePreviousItemChain() {
        Transcript t = new Transcript();
        t.committed("item_a", null);
        t.committed("item_b", "item_a");
        t.committed("item_c", "item_b");
        t.completed("item_c", "three", null);
        t.completed("item_a", "one", new Details.TranscriptionUsage("duration", null, null, null, null, 1.5));
        t.completed("item_b", "two", null);
        assertEquals(List.of("item_a", "item_b", "item_c"), t.entries().stream().map(Transcript.Entry::itemId).toList());
        assertEquals("one two three", t.text());
        assertEquals(1.5, t.entries().get(0).usage().seconds());
    }

    @Test
    void chainStartingAfterAnItemWeNeverSawStillOrders() {
        Transcript t = new Transcript();
        t.committed("item_y", "item_x");
        t.speechStarted("item_z", 1200L);
        t.speechStopped("item_z", 2100L);
        t.committed("item_z", "item_y");
        t.completed("item_z", "second", null);
        t.completed("item_y", "first", null);
        assertEquals("first second", t.text());
        assertEquals(1200L, t.entries().get(1).audioStartMs());
        assertEquals(2100L, t.entries().get(1).audioEndMs());
    }

    @Test
    void uncompletedTurnsAreLeftOut() {
        Transcript t = new Transcript();
        t.committed("item_a", null);
        t.committed("item_b", "item_a");
        t.completed("item_b", "only", null);
        assertEquals(1, t.entries().size());
    }

    /** What the store gets: each turn's row as it completes or fails (later rows for the same item replace). */
    static java.util.Map<String, Transcript.Row> journal(Transcript t, java.util.Map<String, Transcript.Row> rows,
            String itemId) {
        Transcript.Row r = t.row(itemId);
        rows.put(r.itemId(), r);
        return rows;
    }

    @Test
    void aTranscriptRebuiltFromItsRowsHasTheSameEntries() {
        Transcript t = new Transcript();
        java.util.Map<String, Transcript.Row> rows = new java.util.LinkedHashMap<>();
        t.speechStarted("item_a", 100L);
        t.speechStopped("item_a", 900L);
        t.committed("item_a", null);
        t.committed("item_b", "item_a");
        t.committed("item_c", "item_b");
        t.completed("item_c", "three", null, List.of(new Details.LogProb("three", -0.25, null)));
        journal(t, rows, "item_c");
        t.failed("item_b");
        journal(t, rows, "item_b");
        t.completed("item_a", "one", new Details.TranscriptionUsage("duration", null, null, null, null, 0.8));
        journal(t, rows, "item_a");
        // A reconnect sent item_b's audio again: it came back as item_b2, in item_b's place.
        t.replaced("item_b", "item_b2");
        t.committed("item_b2", "item_x_of_the_new_connection");
        t.completed("item_b2", "two", null);
        journal(t, rows, "item_b2");
        // A rotation: the new connection's chain follows.
        t.committed("item_d", null, 1);
        t.completed("item_d", "four", null);
        journal(t, rows, "item_d");

        List<Transcript.Row> shuffled = new java.util.ArrayList<>(rows.values());
        java.util.Collections.reverse(shuffled);
        Transcript restored = Transcript.restore(shuffled);
        assertEquals("one two three four", t.text());
        assertEquals(t.entries(), restored.entries());
        assertEquals(List.of("item_a", "item_b2", "item_c", "item_d"),
                restored.entries().stream().map(Transcript.Entry::itemId).toList());
        assertEquals(0, restored.pending());
    }

    @Test
    void erasingKeepsTurnsStillBeingTranscribed() {
        Transcript t = new Transcript();
        t.committed("item_a", null);
        t.committed("item_b", "item_a");
        t.completed("item_a", "secret words", null);
        assertEquals(1, t.erase());
        assertEquals("", t.text());
        assertEquals(1, t.pending(), "item_b is still expected");
        t.completed("item_b", "later words", null);
        assertEquals("later words", t.text());
    }
}
