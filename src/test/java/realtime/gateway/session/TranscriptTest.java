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
}
