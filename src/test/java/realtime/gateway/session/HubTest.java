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

    static final SessionHub.ReplayEvent REPLAY = (from, to, recovered) -> "replay " + from + ".." + to + " " + recovered;

    private static SessionHub hubWith(int frames, long[] clock, int maxFrames) {
        SessionHub hub = new SessionHub(() -> clock[0], new SessionHub.ReplayLimits(maxFrames, 60_000));
        for (int i = 1; i <= frames; i++) {
            hub.publish("x", "f" + i, false);
        }
        return hub;
    }

    @Test
    void aResumeGetsTheMissedFramesThenTheLiveOnesWithNoGapAndNoDuplicate() {
        long[] clock = { 1 };
        SessionHub hub = hubWith(10, clock, 100);
        Recording r = new Recording(TypeFilter.ALL, false, 1000, true);
        assertTrue(hub.resume(r, 7, true, REPLAY));
        hub.publish("x", "f11", false);
        assertEquals(List.of("replay 8..10 true", "f8", "f9", "f10", "f11"), r.texts);
    }

    @Test
    void aResumePastTheLogSaysRecoveredFalseAndWhereItStarts() {
        long[] clock = { 1 };
        SessionHub hub = hubWith(10, clock, 4);
        Recording r = new Recording(TypeFilter.ALL, false, 1000, true);
        hub.resume(r, 2, true, REPLAY);
        assertEquals(List.of("replay 7..10 false", "f7", "f8", "f9", "f10"), r.texts);
        Recording exact = new Recording(TypeFilter.ALL, false, 1000, true);
        hub.resume(exact, 6, true, REPLAY);
        assertEquals("replay 7..10 true", exact.texts.get(0), "the log starts right after: nothing lost");
    }

    @Test
    void framesOlderThanTheMaxAgeLeaveTheLog() {
        long[] clock = { 1 };
        SessionHub hub = hubWith(3, clock, 100);
        clock[0] += 60_001;
        hub.publish("x", "f4", false);
        Recording r = new Recording(TypeFilter.ALL, false, 1000, true);
        hub.resume(r, 0, true, REPLAY);
        assertEquals(List.of("replay 4..4 false", "f4"), r.texts);
    }

    @Test
    void aResumeAtTheLatestFrameReplaysNothingAndAHistoryOnlyResumeStaysUnsubscribed() {
        long[] clock = { 1 };
        SessionHub hub = hubWith(5, clock, 100);
        Recording now = new Recording(TypeFilter.ALL, false, 1000, true);
        hub.resume(now, 5, true, REPLAY);
        assertEquals(List.of("replay 6..5 true"), now.texts);
        Recording history = new Recording(TypeFilter.ALL, false, 1000, true);
        hub.resume(history, 3, false, REPLAY);
        hub.publish("x", "f6", false);
        assertEquals(List.of("replay 4..5 true", "f4", "f5"), history.texts);
        assertEquals(1, hub.subscribersNow());
    }

    @Test
    void aReplayLongerThanMaxPendingIsNotASlowConsumerButLiveFramesStillCount() {
        long[] clock = { 1 };
        SessionHub hub = hubWith(50, clock, 100);
        Recording r = new Recording(TypeFilter.ALL, false, 4, false);
        assertTrue(hub.resume(r, 0, true, REPLAY));
        assertEquals(51, r.texts.size());
        assertEquals(0, r.closeCode);
        r.inFlight.forEach(f -> f.complete(null));
        for (int i = 0; i < 5; i++) {
            hub.publish("x", "live" + i, false);
        }
        assertEquals(Subscriber.SLOW_CONSUMER, r.closeCode, "once the replay is written, max-pending applies again");
    }

    @Test
    void aResumePositionMustBeASequenceNumber() {
        assertEquals(null, SessionHub.after(null, "after"));
        assertEquals(42L, SessionHub.after("42", "after"));
        for (String bad : List.of("-1", "x", "1.5")) {
            Refusal.Rejected e = org.junit.jupiter.api.Assertions.assertThrows(Refusal.Rejected.class,
                    () -> SessionHub.after(bad, "Last-Event-ID"));
            assertEquals("Last-Event-ID", ((Refusal.InvalidParameter) e.refusal()).param());
        }
    }
}
