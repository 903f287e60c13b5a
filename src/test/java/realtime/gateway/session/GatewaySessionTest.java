package realtime.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientFrame;
import realtime.gateway.event.Details;
import realtime.gateway.event.RealtimeCodec;

/**
 * The session core without Quarkus: a scripted provider, a manual clock, and a recording subscriber.
 * Everything runs on the test thread (the mailbox runs steps on the caller when it is idle).
 */
public class GatewaySessionTest {

    static final RealtimeCodec CODEC = new RealtimeCodec();
    static final int CHUNK = 96_000;

    final AtomicLong now = new AtomicLong(1_000_000);
    final FakeProvider provider = new FakeProvider();
    final List<GatewaySession> ended = new ArrayList<>();
    /** What the session hands the store: its snapshots and its finished turns, in order. */
    final List<SessionSnapshot> saved = new ArrayList<>();
    final List<Transcript.Row> rows = new ArrayList<>();
    final SessionJournal journal = new SessionJournal() {
        @Override
        public void session(SessionSnapshot snapshot) {
            saved.add(snapshot);
        }

        @Override
        public void turn(String sessionId, Transcript.Row row) {
            rows.add(row);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> forget(String sessionId) {
            saved.removeIf(s -> s.id().equals(sessionId));
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    };
    final Recorder events = new Recorder();

    /** Timers on the manual clock: {@link #advance} runs what falls due. */
    final List<long[]> dueAt = new ArrayList<>();
    final List<Runnable> timers = new ArrayList<>();
    final Scheduler scheduler = (ms, task) -> {
        dueAt.add(new long[] { now.get() + ms });
        timers.add(task);
    };

    void advance(long ms) {
        now.addAndGet(ms);
        for (int i = 0; i < timers.size(); i++) {
            if (dueAt.get(i)[0] <= now.get()) {
                Runnable r = timers.remove(i);
                dueAt.remove(i--);
                r.run();
            }
        }
    }

    /** Reconnects: 100 ms, doubling to 1 s, giving up after 5 s; 2 s of audio held meanwhile. */
    static final Reconnects RECONNECTS = new Reconnects(100, 1000, 5000, 2000);
    /** Rotation (when the provider has an age limit): a standby 10 s before it, the move forced 5 s before. */
    static final long ROTATE_BEFORE = 10_000;

    GatewaySession session(Duration maxDuration, UsageSink usage) {
        GatewaySession s = new GatewaySession("sess_test", TranscriptionConfig.defaults("gpt-4o-mini-transcribe"),
                new SessionOwner("key", 10, maxDuration, usage), provider, CODEC, now::get,
                new GatewaySession.Limits(CHUNK, 3, 10_000, 5_000, 300_000, "gpt-4o-mini-transcribe",
                        new SessionHub.ReplayLimits(100, 60_000), RECONNECTS, ROTATE_BEFORE), SessionMetrics.NONE, journal, scheduler, ended::add);
        s.subscribe(events);
        s.start();
        return s;
    }

    GatewaySession session() {
        return session(Duration.ofHours(1), UsageSink.NONE);
    }

    /** A subscriber that keeps every frame and its close code. */
    static final class Recorder extends Subscriber {
        final List<String> texts = new ArrayList<>();
        Integer closeCode;

        Recorder() {
            super("recorder", TypeFilter.ALL, false, true, 1_000_000);
        }

        @Override
        protected void send(Frame frame, String text, Runnable written) {
            texts.add(text);
            written.run();
        }

        @Override
        protected void closeTransport(int code, String reason) {
            closeCode = code;
        }

        /** The wire type of each frame, and for gateway state events the state they announce. */
        List<String> types() {
            return texts.stream().map(t -> {
                String type = CODEC.peekType(t);
                return GatewayEvent.STATE.equals(type) ? "state:" + t.replaceAll(".*\"state\":\"([a-z]+)\".*", "$1")
                        : type;
            }).toList();
        }
    }

    static String committed(String item, String previous) {
        return "{\"type\":\"input_audio_buffer.committed\",\"event_id\":\"e_" + item + "\",\"previous_item_id\":"
                + (previous == null ? "null" : "\"" + previous + "\"") + ",\"item_id\":\"" + item + "\"}";
    }

    static String completed(String item, String text) {
        return "{\"type\":\"conversation.item.input_audio_transcription.completed\",\"event_id\":\"c_" + item
                + "\",\"item_id\":\"" + item + "\",\"content_index\":0,\"transcript\":\"" + text + "\"}";
    }

    static Optional<Refusal> result(java.util.concurrent.CompletionStage<Optional<Refusal>> stage) {
        CompletableFuture<Optional<Refusal>> f = stage.toCompletableFuture();
        assertTrue(f.isDone(), "the step ran on the caller's thread");
        return f.join();
    }

    @Test
    public void connectsThenClosesCleanlyOnRequest() {
        GatewaySession s = session();
        assertEquals(SessionState.CONNECTING, s.state());
        FakeProvider.Connection conn = provider.open();
        assertEquals(SessionState.ACTIVE, s.state());
        assertEquals(List.of("session.update"), conn.sent, "the effective configuration goes first");

        s.close("closed by a test");
        assertEquals(SessionState.CLOSING, s.state());
        assertEquals(1000, conn.closedWith);
        provider.listener.onClosed(1000, "");
        assertEquals(SessionState.CLOSED, s.state());
        assertEquals("closed by a test", s.status().reason());
        assertEquals(List.of("state:active", "state:closing", "state:closed", GatewayEvent.CLOSED), events.types());
        assertEquals(1000, events.closeCode);
        assertEquals(List.of(s), ended, "the registry hears of the end once");
        s.close("again");
        assertEquals(1, ended.size());
    }

    @Test
    public void closeWhileConnectingEndsAtOnceAndALateConnectionIsClosed() {
        GatewaySession s = session();
        s.close("closed early");
        assertEquals(SessionState.CLOSED, s.state());
        FakeProvider.Connection conn = provider.open();
        assertEquals(1000, conn.closedWith);
        assertTrue(conn.sent.isEmpty());
    }

    @Test
    public void aRefusedFirstConnectFailsTheSessionAtOnce() {
        GatewaySession s = session();
        var answered = s.firstAnswer().toCompletableFuture();
        provider.refuse(new java.net.ConnectException("Connection refused: localhost/127.0.0.1:1"));
        assertTrue(answered.isDone());
        assertEquals(SessionState.FAILED, s.state());
        assertEquals("upstream connection failed: connection refused (nothing accepts connections at the upstream's "
                + "address)", s.status().reason(), "no address in what callers read");
        assertEquals(1000, events.closeCode);
        assertEquals(1, provider.attempts.size(), "no retry");
    }

    @Test
    public void aFirstConnectThatFailsInPassingRetriesWithTheUploadHeld() {
        GatewaySession s = session();
        var answered = s.firstAnswer().toCompletableFuture();
        provider.refuse(new java.io.IOException("handshake timed out"));
        assertTrue(answered.isDone(), "the create can answer: the session is retrying");
        assertEquals(SessionState.CONNECTING, s.state());
        Upload up = s.upload(new byte[48_000], AudioFormat.PCM16_24K, true).toCompletableFuture().join();
        assertEquals(new Upload(Optional.empty(), 0, 48_000), up, "answered at once: nothing sent, all of it held");
        assertTrue(events.types().contains(GatewayUpstreamEvent.RECONNECTING), "subscribers told of the retry");
        advance(150);
        assertEquals(2, provider.attempts.size());
        FakeProvider.Connection conn = provider.open();
        assertEquals(SessionState.ACTIVE, s.state());
        assertEquals(List.of("session.update", "audio 48000", "input_audio_buffer.commit"), conn.sent);
        assertEquals(0, s.snapshot().toCompletableFuture().join().upstream().reconnects(), "not a reconnect");
        Upload sent = s.upload(new byte[4_800], AudioFormat.PCM16_24K, false).toCompletableFuture().join();
        assertEquals(new Upload(Optional.empty(), 4_800, 0), sent);
    }

    @Test
    public void aRotationMovesAtTheNextCommitAndTheOldConnectionFinishesItsTurn() {
        provider.maxAge = Duration.ofSeconds(60);
        GatewaySession s = session();
        FakeProvider.Connection first = provider.open();
        var firstListener = provider.listener;
        firstListener.onFrame(MANUAL_TURNS);
        result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K));
        advance(49_000);
        assertEquals(1, provider.attempts.size(), "no standby before max-age − rotate-before");
        advance(1_000);
        assertEquals(2, provider.attempts.size(), "the standby opens 10 s before the limit");
        FakeProvider.Connection second = provider.open();
        assertEquals(List.of("session.update"), second.sent, "the effective configuration, before any audio");
        assertTrue(second.updates.get(0).contains("\"turn_detection\":null"), second.updates.get(0));
        result(s.appendAudio(new byte[24_000], AudioFormat.PCM16_24K));
        result(s.commit());
        result(s.appendAudio(new byte[9_600], AudioFormat.PCM16_24K));
        assertEquals(List.of("session.update", "audio 48000", "audio 24000", "input_audio_buffer.commit"), first.sent,
                "the turn in progress stays whole on the old connection");
        assertEquals(List.of("session.update", "audio 9600"), second.sent, "audio after the commit goes to the new one");
        assertNull(first.closedWith, "the old connection still owes the turn");
        assertTrue(events.types().contains(GatewayUpstreamEvent.ROTATED));

        var secondListener = provider.listener;
        secondListener.onFrame(committed("item_2", null));
        secondListener.onFrame(completed("item_2", "second"));
        firstListener.onFrame(committed("item_1", null));
        assertNull(first.closedWith);
        firstListener.onFrame(completed("item_1", "first"));
        assertEquals(1000, first.closedWith, "closed once its turn is done");
        assertEquals(SessionState.ACTIVE, s.state());
        Transcript.View t = s.transcript().toCompletableFuture().join();
        assertEquals("first second", t.text(), "speech order across the two connections");
        SessionSnapshot view = s.snapshot().toCompletableFuture().join();
        assertEquals(1, view.upstream().rotations());
        assertEquals(0, view.upstream().reconnects());
        assertEquals(0, view.upstream().downtimeMs());
        assertEquals(48_000 + 24_000 + 9_600, first.audioBytes + second.audioBytes, "every byte once");
        firstListener.onClosed(1000, ""); // its close, asked for, is no drop
        assertEquals(SessionState.ACTIVE, s.state());
    }

    @Test
    public void aRotationInContinuousSpeechIsForcedBeforeTheLimitWithACommit() {
        provider.maxAge = Duration.ofSeconds(60);
        GatewaySession s = session();
        FakeProvider.Connection first = provider.open();
        var firstListener = provider.listener;
        firstListener.onFrame("{\"type\":\"input_audio_buffer.speech_started\",\"event_id\":\"e1\","
                + "\"audio_start_ms\":0,\"item_id\":\"item_1\"}");
        result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K));
        long sent = 48_000;
        advance(50_000);
        FakeProvider.Connection second = provider.open();
        for (int i = 0; i < 4; i++) {
            result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K));
            sent += 48_000;
            advance(1_000);
        }
        assertEquals(0, second.audioBytes, "still speaking: no move before the forced one");
        advance(1_000); // 55 s: half of rotate-before left
        assertEquals("input_audio_buffer.commit", first.sent.get(first.sent.size() - 1),
                "the turn in progress is ended on the old connection");
        result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K));
        sent += 48_000;
        assertEquals(48_000, second.audioBytes);
        assertEquals(sent, first.audioBytes + second.audioBytes, "no byte lost or sent twice");
        assertTrue(events.texts.stream().anyMatch(t -> t.contains(GatewayUpstreamEvent.ROTATED)
                && t.contains("the turn in progress was committed")));
        firstListener.onFrame("{\"type\":\"error\",\"event_id\":\"e2\",\"error\":{\"type\":\"server_error\","
                + "\"code\":\"server_error\",\"message\":\"The server had an error.\"}}");
        assertEquals(1000, first.closedWith, "an error of the old connection ends only it");
        assertEquals(SessionState.ACTIVE, s.state());
    }

    @Test
    public void aStandbyThatDropsBeforeTheMoveIsOpenedAgain() {
        provider.maxAge = Duration.ofSeconds(60);
        GatewaySession s = session();
        FakeProvider.Connection first = provider.open();
        advance(50_000);
        provider.refuse(new java.io.IOException("reset"));
        assertEquals(2, provider.attempts.size());
        advance(300);
        assertEquals(3, provider.attempts.size(), "another standby after the backoff");
        FakeProvider.Connection standby = provider.open();
        result(s.appendAudio(new byte[4_800], AudioFormat.PCM16_24K));
        assertEquals(4_800, standby.audioBytes, "silence (no speech heard): the move is immediate");
        assertEquals(0, first.audioBytes);
        assertEquals(1000, first.closedWith, "nothing owed: closed at once");
        assertEquals(SessionState.ACTIVE, s.state());
    }

    static final String MANUAL_TURNS = "{\"type\":\"session.updated\",\"event_id\":\"u1\",\"session\":{\"type\":"
            + "\"transcription\",\"audio\":{\"input\":{\"turn_detection\":null}}}}";

    @Test
    public void anUnaskedUpstreamCloseReconnectsWithTheEffectiveConfiguration() {
        GatewaySession s = session();
        FakeProvider.Connection first = provider.open();
        provider.listener.onFrame(MANUAL_TURNS);
        var old = provider.listener;
        old.onClosed(1011, "internal error");
        assertEquals(SessionState.RECONNECTING, s.state());
        assertEquals(1011, s.status().closeCode());
        assertEquals("upstream closed with code 1011: internal error", s.status().reason());
        assertEquals(1, provider.attempts.size(), "no attempt before the backoff");
        advance(150); // first delay: 100 ms ± 50%
        assertEquals(2, provider.attempts.size());
        FakeProvider.Connection second = provider.open();
        assertEquals(SessionState.ACTIVE, s.state());
        assertEquals(List.of("session.update"), second.sent);
        assertTrue(second.updates.get(0).contains("\"turn_detection\":null"),
                "what callers set since the start, not the create body: " + second.updates.get(0));
        List<String> types = events.types();
        assertEquals(List.of("state:reconnecting", GatewayUpstreamEvent.RECONNECTING, "state:active",
                GatewayUpstreamEvent.RECONNECTED), types.subList(types.indexOf("state:reconnecting"), types.size()));
        SessionSnapshot view = s.snapshot().toCompletableFuture().join();
        assertEquals(1, view.upstream().reconnects());
        assertEquals("active", view.state());
        old.onClosed(1000, ""); // the old connection's late close is not this connection's
        old.onFrame(committed("item_stale", null));
        assertEquals(SessionState.ACTIVE, s.state());
        assertTrue(first != second);
    }

    @Test
    public void aTurnInFlightAtTheDropIsSentAgainAndTranscribedOnce() {
        GatewaySession s = session();
        provider.open();
        provider.listener.onFrame(MANUAL_TURNS);
        result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K));
        result(s.commit());
        provider.listener.onFrame(committed("item_1", null));
        result(s.appendAudio(new byte[24_000], AudioFormat.PCM16_24K)); // after the commit: the open buffer
        provider.listener.onClosed(1006, "");
        advance(150);
        FakeProvider.Connection again = provider.open();
        assertEquals(List.of("session.update", "audio 48000", "input_audio_buffer.commit", "audio 24000"), again.sent,
                "the pending turn, its commit, then the open audio: each byte once");
        provider.listener.onFrame(committed("item_9", null));
        provider.listener.onFrame(completed("item_9", "hello again"));
        assertTrue(events.texts.stream().anyMatch(t -> t.contains(GatewayUpstreamEvent.ITEM_REPLACED)
                && t.contains("\"old_item_id\":\"item_1\"") && t.contains("\"new_item_id\":\"item_9\"")));
        Transcript.View t = s.transcript().toCompletableFuture().join();
        assertEquals("hello again", t.text());
        assertEquals(1, t.entries().size(), "the turn once, under its new id");
        assertEquals("item_9", t.entries().get(0).itemId());
        SessionSnapshot view = s.snapshot().toCompletableFuture().join();
        assertEquals(1500, view.counters().audioMsSent(), "the caller's audio, counted once");
        assertEquals(1500, view.upstream().audioMsResent());
        assertEquals(500, view.upstream().audioMsRetained(), "the completed turn's audio is let go");
    }

    @Test
    public void aServerErrorReconnectsAndGivingUpFailsWithTheReason() {
        GatewaySession s = session();
        provider.open();
        provider.listener.onFrame("{\"type\":\"error\",\"event_id\":\"e1\",\"error\":{\"type\":\"server_error\","
                + "\"code\":\"server_error\",\"message\":\"The server had an error.\"}}");
        assertEquals(SessionState.RECONNECTING, s.state());
        assertTrue(s.status().reason().startsWith("upstream error server_error"), s.status().reason());
        for (int i = 0; i < 20 && s.state() == SessionState.RECONNECTING; i++) {
            advance(1500);
            if (provider.attempts.size() > i + 1) {
                provider.refuse(new java.io.IOException("Connection refused"));
            }
        }
        assertEquals(SessionState.FAILED, s.state());
        assertTrue(s.status().reason().startsWith("upstream unreachable for "), s.status().reason());
        assertTrue(s.status().reason().contains("Connection refused"), s.status().reason());
        long notices = events.types().stream().filter(GatewayUpstreamEvent.RECONNECTING::equals).count();
        assertEquals(provider.attempts.size() - 1, notices, "subscribers told of every attempt (the first connect is none)");
    }

    @Test
    public void aRefusalThatWillNotChangeFailsAtOnce() {
        GatewaySession s = session();
        provider.open();
        provider.listener.onClosed(1006, "");
        advance(150);
        provider.refuse(new SecurityException("401 Unauthorized"));
        assertEquals(SessionState.FAILED, s.state());
        assertEquals("upstream refused to reconnect: upstream connection failed: 401 Unauthorized", s.status().reason());
    }

    @Test
    public void audioWhileReconnectingIsHeldUpToItsLimitThenRefused() {
        GatewaySession s = session();
        provider.open();
        provider.listener.onClosed(1006, "");
        var held = s.appendAudio(new byte[96_000], AudioFormat.PCM16_24K).toCompletableFuture();
        assertFalse(held.isDone(), "held while reconnecting");
        Refusal no = result(s.appendAudio(new byte[4_800], AudioFormat.PCM16_24K)).orElseThrow();
        assertTrue(no.message().contains("gateway.upstream.reconnect.max-buffered"), no.message());
        advance(150);
        FakeProvider.Connection again = provider.open();
        assertEquals(Optional.empty(), held.join());
        assertEquals(List.of("session.update", "audio 96000"), again.sent);
    }

    @Test
    public void inputWhileConnectingIsQueuedAndFlushedInOrder() {
        GatewaySession s = session();
        var first = s.appendAudio(new byte[4800], AudioFormat.PCM16_24K);
        var commit = s.commit();
        var second = s.appendAudio(new byte[9600], AudioFormat.PCM16_24K);
        assertFalse(first.toCompletableFuture().isDone(), "held until the upstream is open");
        assertInstanceOf(Refusal.SessionBusy.class, result(s.clear()).orElseThrow(), "3 queued is the limit here");
        FakeProvider.Connection conn = provider.open();
        assertEquals(List.of("session.update", "audio 4800", "input_audio_buffer.commit", "audio 9600"), conn.sent);
        assertEquals(Optional.empty(), result(first));
        assertEquals(Optional.empty(), result(commit));
        assertEquals(Optional.empty(), result(second));
    }

    @Test
    public void aStalledUpstreamHoldsBackA50MegabyteUploadInsteadOfQueueingIt() {
        GatewaySession s = session();
        FakeProvider.Connection conn = provider.open();
        conn.stall = true;
        byte[] upload = new byte[50 * 1024 * 1024];
        var done = s.appendAudio(upload, AudioFormat.PCM16_24K).toCompletableFuture();
        int flushes = 0;
        while (!done.isDone()) {
            assertEquals(CHUNK, conn.unflushed, "one chunk handed over, then the session waits for the drain");
            conn.flush();
            flushes++;
        }
        assertEquals(Optional.empty(), done.join());
        assertEquals(upload.length, conn.audioBytes);
        assertEquals(CHUNK, conn.maxUnflushed, "never more than one chunk in the transport's queue");
        assertEquals((upload.length + CHUNK - 1) / CHUNK, flushes + 1);
        // The producer's next input waits behind the upload.
        conn.flush();
        assertEquals(Optional.empty(), result(s.commit()));
    }

    @Test
    public void anInputBehindAStalledUploadWaitsForIt() {
        GatewaySession s = session();
        FakeProvider.Connection conn = provider.open();
        conn.stall = true;
        var upload = s.appendAudio(new byte[3 * CHUNK], AudioFormat.PCM16_24K).toCompletableFuture();
        var commit = s.commit().toCompletableFuture();
        assertFalse(upload.isDone());
        assertFalse(commit.isDone(), "a producer is paused while the upstream is");
        conn.flush();
        conn.flush();
        assertTrue(upload.isDone());
        conn.flush();
        assertTrue(commit.isDone());
        assertEquals(List.of("session.update", "audio 96000", "audio 96000", "audio 96000",
                "input_audio_buffer.commit"), conn.sent);
    }

    @Test
    public void atMaxDurationPendingSpeechIsCommittedTranscribedAndThenTheSessionCloses() {
        GatewaySession s = session(Duration.ofSeconds(3), UsageSink.NONE);
        FakeProvider.Connection conn = provider.open();
        assertEquals(Optional.empty(), result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K)));
        now.addAndGet(3000);
        s.tick(now.get());
        assertEquals(SessionState.CLOSING, s.state());
        assertTrue(s.status().reason().contains("max-session-duration"), s.status().reason());
        assertEquals("input_audio_buffer.commit", conn.sent.get(conn.sent.size() - 1));
        assertInstanceOf(Refusal.SessionClosed.class,
                result(s.appendAudio(new byte[480], AudioFormat.PCM16_24K)).orElseThrow());
        assertEquals(null, conn.closedWith, "waits for the transcription");

        provider.listener.onFrame(committed("item_1", null));
        assertEquals(null, conn.closedWith);
        provider.listener.onFrame(completed("item_1", "hello world"));
        assertEquals(1000, conn.closedWith, "closed as soon as nothing is pending");
        provider.listener.onClosed(1000, "");
        assertEquals(SessionState.CLOSED, s.state());
        assertEquals(List.of("state:active", "state:closing", "input_audio_buffer.committed",
                "conversation.item.input_audio_transcription.completed", "state:closed", GatewayEvent.CLOSED),
                events.types());
        assertEquals("hello world", s.transcript().toCompletableFuture().join().text());
    }

    @Test
    public void aDrainGivesUpAfterItsGrace() {
        GatewaySession s = session(Duration.ofSeconds(3), UsageSink.NONE);
        FakeProvider.Connection conn = provider.open();
        result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K));
        now.addAndGet(3000);
        s.tick(now.get());
        now.addAndGet(SessionRegistry.DRAIN_GRACE_MS);
        s.tick(now.get());
        assertEquals(1000, conn.closedWith);
        now.addAndGet(SessionRegistry.CLOSE_GRACE_MS);
        s.tick(now.get());
        assertEquals(SessionState.CLOSED, s.state(), "the upstream never confirmed: ended anyway");
        assertEquals("upstream did not confirm the close", s.status().reason());
    }

    @Test
    public void aFatalUpstreamErrorFailsTheSessionAndClosesTheUpstream() {
        GatewaySession s = session();
        FakeProvider.Connection conn = provider.open();
        provider.listener.onFrame("{\"type\":\"error\",\"event_id\":\"e1\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"code\":\"invalid_api_key\",\"message\":\"Incorrect API key provided.\"}}");
        assertEquals(SessionState.FAILED, s.state());
        assertTrue(s.status().reason().startsWith("upstream error invalid_api_key"), s.status().reason());
        assertEquals(1000, conn.closedWith);
        assertEquals(List.of("state:active", "error", "state:failed", GatewayEvent.CLOSED), events.types(),
                "subscribers see the upstream's error before the failure");
    }

    @Test
    public void closeWhileATurnIsInFlightRefusesQueuedInputAndRefundsItsAudio() {
        List<Double> refunds = new ArrayList<>();
        UsageSink usage = new UsageSink() {
            @Override
            public Optional<Refusal.QuotaExceeded> chargeAudio(double ms) {
                return Optional.empty();
            }

            @Override
            public void refundAudio(double ms) {
                refunds.add(ms);
            }

            @Override
            public void upstreamUsage(Details.TranscriptionUsage u) {
            }
        };
        GatewaySession s = session(Duration.ofHours(1), usage);
        FakeProvider.Connection conn = provider.open();
        result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K));
        result(s.commit());
        provider.listener.onFrame(committed("item_1", null));
        conn.stall = true;
        conn.flush();
        var queued = s.appendAudio(new byte[3 * CHUNK], AudioFormat.PCM16_24K).toCompletableFuture();
        s.close("closed by DELETE");
        provider.listener.onClosed(1000, "");
        assertEquals(SessionState.CLOSED, s.state());
        assertInstanceOf(Refusal.SessionClosed.class, queued.join().orElseThrow());
        assertEquals(List.of(4000.0), refunds, "the two chunks never sent are refunded");
        assertEquals("", s.transcript().toCompletableFuture().join().text());
    }

    @Test
    public void audioPastTheOwnersQuotaIsRefusedAndNotSent() {
        UsageSink oneSecond = new UsageSink() {
            double used;

            @Override
            public Optional<Refusal.QuotaExceeded> chargeAudio(double ms) {
                if (used + ms > 1000) {
                    return Optional.of(new Refusal.QuotaExceeded("audio-seconds-per-day", "quota", 60));
                }
                used += ms;
                return Optional.empty();
            }

            @Override
            public void refundAudio(double ms) {
                used -= ms;
            }

            @Override
            public void upstreamUsage(Details.TranscriptionUsage u) {
            }
        };
        GatewaySession s = session(Duration.ofHours(1), oneSecond);
        FakeProvider.Connection conn = provider.open();
        assertEquals(Optional.empty(), result(s.appendAudio(new byte[48_000], AudioFormat.PCM16_24K)));
        Refusal no = result(s.appendAudio(new byte[480], AudioFormat.PCM16_24K)).orElseThrow();
        assertEquals("audio-seconds-per-day", ((Refusal.QuotaExceeded) no).limit());
        assertEquals(48_000, conn.audioBytes);
        assertEquals(1000, s.snapshot().toCompletableFuture().join().counters().audioMsSent());
    }

    @Test
    public void anIdleSessionClosesAndAStuckConnectFails() {
        GatewaySession idle = session();
        provider.open();
        now.addAndGet(300_000);
        idle.tick(now.get());
        assertEquals(SessionState.CLOSING, idle.state());
        assertTrue(idle.status().reason().startsWith("idle for 300 s"), idle.status().reason());

        FakeProvider other = new FakeProvider();
        GatewaySession stuck = new GatewaySession("sess_stuck", TranscriptionConfig.defaults("m"),
                new SessionOwner("key", 10, Duration.ofHours(1), UsageSink.NONE), other, CODEC, now::get,
                new GatewaySession.Limits(CHUNK, 3, 10_000, 5_000, 300_000, "m", SessionHub.ReplayLimits.NONE,
                        Reconnects.NEVER, ROTATE_BEFORE), SessionMetrics.NONE, journal, scheduler, ended::add);
        stuck.start();
        now.addAndGet(15_000);
        stuck.tick(now.get());
        assertEquals(SessionState.FAILED, stuck.state());
        assertEquals("upstream did not connect within 15 s", stuck.status().reason());
    }

    @Test
    public void theLifecycleTableAllowsOnlyForwardMoves() {
        Lifecycle l = new Lifecycle(0);
        assertFalse(l.moveTo(SessionState.CLOSING, "x", null, 1), "connecting cannot be closing");
        assertTrue(l.moveTo(SessionState.ACTIVE, "x", null, 1));
        assertFalse(l.moveTo(SessionState.CONNECTING, "x", null, 2));
        assertTrue(l.moveTo(SessionState.CLOSING, "x", null, 2));
        assertFalse(l.moveTo(SessionState.ACTIVE, "x", null, 3));
        assertTrue(l.moveTo(SessionState.CLOSED, "x", 1000, 3));
        assertEquals(3L, l.status().closedAt());
        for (SessionState next : SessionState.values()) {
            assertFalse(l.moveTo(next, "x", null, 4), "nothing after an end: " + next);
        }
    }

    @Test
    public void aStringWhereTheProtocolWantsANumberIsRefusedNamingTheField() {
        ClientFrame f = CODEC.decodeClient("{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\","
                + "\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\",\"silence_duration_ms\":\"500\"}}}}}");
        assertFalse(f.ok());
        assertEquals(Optional.of("session.audio.input.turn_detection.silence_duration_ms"), f.error().param());
    }
}
