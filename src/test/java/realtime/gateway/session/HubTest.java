package realtime.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/** Filters, envelopes, sequence numbers and the slow-consumer bound, without any transport. */
class HubTest {

    static final class Recording extends Subscriber {
        final List<String> texts = new ArrayList<>();
        final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        final boolean autoComplete;
        int closeCode;

        Recording(TypeFilter f, boolean envelope, int maxPending, boolean autoComplete) {
            super("t", f, envelope, true, maxPending);
            this.autoComplete = autoComplete;
        }

        @Override
        protected void send(Frame frame, String text, Runnable written) {
            texts.add(text);
            CompletableFuture<Void> f = new CompletableFuture<>();
            f.thenRun(written);
            inFlight.add(f);
            if (autoComplete) {
                f.complete(null);
            }
        }

        @Override
        protected void closeTransport(int code, String reason) {
            closeCode = code;
        }
    }

    @Test
    void typeFilterTakesNamesAndPrefixWildcards() {
        TypeFilter f = TypeFilter.parse("input_audio_buffer.committed, conversation.item.input_audio_transcription.*");
        assertTrue(f.matches("input_audio_buffer.committed"));
        assertTrue(f.matches("conversation.item.input_audio_transcription.delta"));
        assertFalse(f.matches("input_audio_buffer.cleared"));
        assertFalse(f.matches(null));
        assertTrue(TypeFilter.parse("").matches("anything"));
    }

    @Test
    void framesAreNumberedFilteredAndEnvelopedOnce() {
        SessionHub hub = new SessionHub(() -> 42L);
        Recording all = new Recording(TypeFilter.ALL, false, 10, true);
        Recording env = new Recording(TypeFilter.parse("b"), true, 10, true);
        hub.subscribe(all);
        hub.subscribe(env);
        hub.publish("a", "{\"type\":\"a\"}", false);
        Frame b = hub.publish("b", "{\"type\":\"b\"}", false);
        hub.publish("gateway.session.state", "{\"type\":\"gateway.session.state\"}", true);
        assertEquals(List.of("{\"type\":\"a\"}", "{\"type\":\"b\"}", "{\"type\":\"gateway.session.state\"}"), all.texts);
        assertEquals("{\"seq\":2,\"received_at\":42,\"event\":{\"type\":\"b\"}}", env.texts.get(0));
        assertEquals(2, env.texts.size(), "gateway events pass any filter");
        assertTrue(b.enveloped() == b.enveloped(), "built once");
    }

    @Test
    void aSubscriberPastMaxPendingIsClosedWith4008AndRemoved() {
        SessionHub hub = new SessionHub(() -> 1L);
        Recording slow = new Recording(TypeFilter.ALL, false, 3, false);
        Recording fast = new Recording(TypeFilter.ALL, false, 3, true);
        hub.subscribe(slow);
        hub.subscribe(fast);
        for (int i = 0; i < 10; i++) {
            hub.publish("x", "{\"n\":" + i + "}", false);
        }
        assertEquals(Subscriber.SLOW_CONSUMER, slow.closeCode);
        assertEquals(3, slow.texts.size());
        assertEquals(10, fast.texts.size());
        assertEquals(1, hub.subscribersNow());
    }

    @Test
    void aNonJsonFrameIsCarriedAsAStringInTheEnvelope() {
        Frame f = new Frame(7, 9, null, "not json", false);
        assertEquals("{\"seq\":7,\"received_at\":9,\"event\":\"not json\"}", f.enveloped());
    }
}
