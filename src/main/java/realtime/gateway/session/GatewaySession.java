package realtime.gateway.session;

import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import realtime.gateway.config.GatewayConfig;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.Details;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.ServerEvent;
import realtime.gateway.event.Session;
import realtime.gateway.event.SessionEvent;
import realtime.gateway.event.SystemEvent;
import realtime.gateway.event.TranscriptionEvent;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * One transcription session: its state machine, its upstream connection, its hub and its transcript.
 * Upstream frames arrive on the connection's event loop and are decoded once, acted on (state,
 * transcript, counters) and published verbatim. Input from callers is encoded in the upstream's
 * dialect and sent, or queued while the upstream is still connecting.
 */
public final class GatewaySession implements UpstreamListener {

    private static final Logger LOG = Logger.getLogger(GatewaySession.class);

    /** Upstream error codes after which the upstream session is over (§g.3). */
    static final Set<String> FATAL_ERROR_CODES = Set.of("session_expired", "invalid_api_key",
            "beta_api_shape_disabled", "invalid_model", "missing_model");

    private final String id;
    private final RealtimeCodec codec;
    private final UpstreamProvider provider;
    private final GatewayConfig.Dialect dialect;
    private final LongSupplier clock;
    private final int appendChunkBytes;
    private final int maxQueued;
    private final long createdAt;
    private final SessionHub hub;
    private final Transcript transcript = new Transcript();
    private final SessionOwner owner;
    private final long deadline;
    private final SessionUsage.Counter usage = new SessionUsage.Counter();

    private final AtomicLong audioBytes = new AtomicLong();
    private final AtomicLong audioMs = new AtomicLong();
    private final LongAdder eventsReceived = new LongAdder();
    private final Map<String, LongAdder> eventsByType = new ConcurrentHashMap<>();
    private final AtomicInteger producers = new AtomicInteger();
    private final AtomicLong eventIds = new AtomicLong();

    private final ArrayDeque<String> queued = new ArrayDeque<>();
    private volatile Session config;
    private volatile SessionState state = SessionState.CONNECTING;
    private volatile String reason = "connecting to the upstream";
    private volatile Integer closeCode;
    private volatile Long closedAt;
    private volatile long lastActivity;
    private volatile long stateSince;
    private UpstreamConnection upstream;
    private boolean finished;
    /** Audio appended since the last commit (ours or the VAD's); a drain commits only when there is some. */
    private long uncommittedBytes;
    /** While draining (closing at a limit) the upstream stays open until pending turns finish or this passes. */
    private volatile long drainUntil = -1;
    private volatile boolean awaitingCommit;

    GatewaySession(String id, Session config, RealtimeCodec codec, UpstreamProvider provider,
            GatewayConfig.Dialect dialect, LongSupplier clock, int appendChunkBytes, int maxQueued,
            SessionOwner owner) {
        this.id = id;
        this.owner = owner;
        this.config = config;
        this.codec = codec;
        this.provider = provider;
        this.dialect = dialect;
        this.clock = clock;
        this.appendChunkBytes = appendChunkBytes;
        this.maxQueued = maxQueued;
        this.createdAt = clock.getAsLong();
        this.lastActivity = createdAt;
        this.stateSince = createdAt;
        this.hub = new SessionHub(clock);
        long max = owner.maxDuration().toMillis();
        this.deadline = createdAt + max < createdAt ? Long.MAX_VALUE : createdAt + max;
    }

    /** Opens the upstream connection; the session is usable (subscribable, queueing input) at once. */
    void start() {
        provider.connect(id, this).subscribe().with(this::connected,
                e -> fail("upstream connection failed: " + e.getMessage(), null));
    }

    private void connected(UpstreamConnection conn) {
        synchronized (this) {
            if (state != SessionState.CONNECTING) {
                conn.close(1000, "session closed");
                return;
            }
            upstream = conn;
            conn.send(configureEvent(config));
            while (!queued.isEmpty()) {
                conn.send(queued.poll());
            }
            transition(SessionState.ACTIVE, "upstream connected");
        }
        LOG.infof("session %s: active (upstream %s, %s dialect)", id, provider.name(), dialect.name().toLowerCase());
    }

    private String configureEvent(Session ga) {
        if (dialect == GatewayConfig.Dialect.BETA) {
            return codec.encode(new ClientEvent.TranscriptionSessionUpdate(null, Dialects.toBeta(ga)));
        }
        return codec.encode(new ClientEvent.SessionUpdate(null, ga));
    }

    // ---- input ---------------------------------------------------------------------------------

    /**
     * Sends a validated client event upstream, in the upstream's dialect: a beta
     * {@code transcription_session.update} goes to a GA upstream as {@code session.update} and back.
     */
    public void send(ClientEvent event) {
        ClientEvent out = event;
        if (event instanceof ClientEvent.TranscriptionSessionUpdate u && dialect == GatewayConfig.Dialect.GA) {
            out = new ClientEvent.SessionUpdate(u.eventId(), Dialects.toGa(u.session()));
        } else if (event instanceof ClientEvent.SessionUpdate u && dialect == GatewayConfig.Dialect.BETA
                && Dialects.isGa(u.session())) {
            out = new ClientEvent.TranscriptionSessionUpdate(u.eventId(), Dialects.toBeta(u.session()));
        }
        if (event instanceof ClientEvent.InputAudioBufferAppend a) {
            int bytes = a.audio() == null ? 0 : base64Length(a.audio());
            double ms = chargeAudio(bytes);
            try {
                sendText(codec.encode(out));
            } catch (RuntimeException e) {
                refundAudio(ms);
                throw e;
            }
            countAudio(bytes);
            return;
        }
        if (event instanceof ClientEvent.InputAudioBufferCommit || event instanceof ClientEvent.InputAudioBufferClear) {
            resetUncommitted();
        }
        sendText(codec.encode(out));
    }

    /** Appends audio already in the session's input format, in chunks within the upstream's limit. */
    public void appendAudio(byte[] audio) {
        double ms = chargeAudio(audio.length);
        int sent = 0;
        try {
            for (int off = 0; off < audio.length; off += appendChunkBytes) {
                int len = Math.min(appendChunkBytes, audio.length - off);
                byte[] chunk = off == 0 && len == audio.length ? audio : java.util.Arrays.copyOfRange(audio, off, off + len);
                sendText(codec.encode(new ClientEvent.InputAudioBufferAppend(null, Base64.getEncoder().encodeToString(chunk))));
                sent += len;
            }
        } catch (RuntimeException e) {
            // Only what reached the upstream (or its queue) is charged and counted.
            refundAudio(ms * (audio.length - sent) / audio.length);
            countAudio(sent);
            throw e;
        }
        countAudio(audio.length);
    }

    /** Decoded size of validated base64 text, without decoding it. */
    static int base64Length(String b64) {
        int n = b64.length();
        int pad = n > 0 && b64.charAt(n - 1) == '=' ? (n > 1 && b64.charAt(n - 2) == '=' ? 2 : 1) : 0;
        return n / 4 * 3 - pad;
    }

    /**
     * Charges the owner for audio about to be sent; refuses it (nothing sent, nothing charged) when the
     * session no longer takes input or the owner's quota does not allow it.
     */
    private double chargeAudio(int bytes) {
        SessionState st = state;
        if (st != SessionState.ACTIVE && st != SessionState.CONNECTING) {
            throw new SessionClosedException(id, st);
        }
        double ms = bytes / (double) bytesPerMs();
        owner.usage().chargeAudio(ms);
        usage.audio(ms);
        return ms;
    }

    private void refundAudio(double ms) {
        if (ms > 0) {
            owner.usage().refundAudio(ms);
            usage.audio(-ms);
        }
    }

    private void countAudio(int bytes) {
        synchronized (this) {
            uncommittedBytes += bytes;
        }
        audioBytes.addAndGet(bytes);
        audioMs.set(audioBytes.get() / bytesPerMs());
        lastActivity = clock.getAsLong();
    }

    /** Bytes of input audio per millisecond in the session's format: 48 for pcm16 24 kHz, 8 for G.711. */
    public int bytesPerMs() {
        Session.AudioFormat f = inputFormat();
        return f == null || Session.AudioFormat.PCM.equals(f.type()) ? 48 : 8;
    }

    /** The session's input audio format (GA shape). */
    public Session.AudioFormat inputFormat() {
        Session c = config;
        return c.audio() == null || c.audio().input() == null ? null : c.audio().input().format();
    }

    public void commit() {
        sendText(codec.encode(new ClientEvent.InputAudioBufferCommit(null)));
        resetUncommitted();
    }

    public void clear() {
        sendText(codec.encode(new ClientEvent.InputAudioBufferClear(null)));
        resetUncommitted();
    }

    private synchronized void resetUncommitted() {
        uncommittedBytes = 0;
    }

    private void sendText(String text) {
        synchronized (this) {
            switch (state) {
                case ACTIVE -> upstream.send(text);
                case CONNECTING -> {
                    if (queued.size() >= maxQueued) {
                        throw new IllegalStateException("session " + id + " is still connecting and has "
                                + maxQueued + " frames queued; wait for it to become active");
                    }
                    queued.add(text);
                }
                default -> throw new SessionClosedException(id, state);
            }
        }
    }

    // ---- subscribers and producers -----------------------------------------------------------------

    /** Adds a subscriber; on an ended session it gets the closed event at once and is closed. */
    public void subscribe(Subscriber s) {
        synchronized (this) {
            if (!finished) {
                hub.subscribe(s);
                return;
            }
        }
        Frame f = new Frame(hub.lastSeq(), clock.getAsLong(), GatewayEvent.CLOSED, closedEvent(), true);
        s.offer(f);
        s.close(1000, "session " + state.wire());
    }

    public void unsubscribe(Subscriber s) {
        hub.unsubscribe(s);
    }

    public void producerAttached() {
        producers.incrementAndGet();
        lastActivity = clock.getAsLong();
    }

    public void producerDetached() {
        producers.decrementAndGet();
        lastActivity = clock.getAsLong();
    }

    // ---- upstream ----------------------------------------------------------------------------------

    /** The upstream types the session acts on; every other frame is forwarded without being bound. */
    static final Set<String> ACTED_ON = Set.of(InputAudioEvent.Committed.TYPE, InputAudioEvent.SpeechStarted.TYPE,
            InputAudioEvent.SpeechStopped.TYPE, TranscriptionEvent.Completed.TYPE, SessionEvent.Updated.TYPE,
            SessionEvent.TranscriptionUpdated.TYPE, SystemEvent.Error.TYPE, TranscriptionEvent.Failed.TYPE);

    @Override
    public void onFrame(String text) {
        // Peek at the type and bind only what the session acts on: most frames (deltas) are forwarded as they are.
        String type = codec.peekType(text);
        eventsReceived.increment();
        eventsByType.computeIfAbsent(type == null ? "(malformed)" : type, k -> new LongAdder()).increment();
        String fatal = type != null && ACTED_ON.contains(type) ? act(codec.decodeServer(text)) : null;
        hub.publish(type, text, false);
        if (fatal != null) {
            fail(fatal, null);
        } else if (drainUntil >= 0) {
            drainStep(clock.getAsLong());
        }
    }

    /** Updates transcript, config or state from one decoded event; returns a reason when it is fatal. */
    private String act(ServerEvent event) {
        if (event instanceof InputAudioEvent.Committed c) {
            awaitingCommit = false;
            resetUncommitted();
            transcript.committed(c.itemId(), c.previousItemId() == null ? null : c.previousItemId().orElse(null));
        } else if (event instanceof InputAudioEvent.SpeechStarted s) {
            transcript.speechStarted(s.itemId(), s.audioStartMs());
        } else if (event instanceof InputAudioEvent.SpeechStopped s) {
            transcript.speechStopped(s.itemId(), s.audioEndMs());
        } else if (event instanceof TranscriptionEvent.Completed c) {
            Details.TranscriptionUsage u = c.usage() == null ? null : c.usage().orElse(null);
            transcript.completed(c.itemId(), c.transcript(), u);
            usage.upstream(u);
            owner.usage().upstreamUsage(u);
        } else if (event instanceof TranscriptionEvent.Failed f) {
            transcript.failed(f.itemId());
        } else if (event instanceof SessionEvent.Updated u && u.session() != null) {
            config = u.session();
        } else if (event instanceof SessionEvent.TranscriptionUpdated u && u.session() != null) {
            config = Dialects.toGa(u.session());
        } else if (event instanceof SystemEvent.Error e && e.error() != null && e.error().code() != null) {
            String code = e.error().code().orElse(null);
            if (code != null && code.contains("commit_empty")) {
                awaitingCommit = false;
            }
            if (code != null && FATAL_ERROR_CODES.contains(code)) {
                return "upstream error " + code + ": " + e.error().message();
            }
        } else if (event instanceof ServerEvent.Malformed m) {
            LOG.debugf("session %s: malformed upstream %s frame forwarded: %s", id, m.type(), m.reason());
        }
        return null;
    }

    @Override
    public void onBinaryFrame(int length) {
        eventsByType.computeIfAbsent("(binary)", k -> new LongAdder()).increment();
    }

    /**
     * The upstream socket ended. This is the one place where reconnection (and proactive rotation before
     * the upstream's 60-minute cap) will go: today every upstream close ends the session.
     */
    @Override
    public void onClosed(int code, String why) {
        synchronized (this) {
            closeCode = code;
            String detail = "upstream closed with code " + code + (why == null || why.isEmpty() ? "" : ": " + why);
            if (state == SessionState.CLOSING) {
                transition(SessionState.CLOSED, reason);
            } else if (!state.terminal()) {
                if (code == 1000 || code == 1001) {
                    transition(SessionState.CLOSED, detail);
                } else {
                    transition(SessionState.FAILED, detail);
                }
            }
            upstream = null;
        }
        finish();
    }

    // ---- lifecycle ---------------------------------------------------------------------------------

    /** Closes the session cleanly: the upstream is closed with 1000 and subscribers get a final event. */
    public void close(String why) {
        UpstreamConnection conn;
        synchronized (this) {
            if (state.terminal() || state == SessionState.CLOSING) {
                return;
            }
            conn = upstream;
            transition(conn == null ? SessionState.CLOSED : SessionState.CLOSING, why);
        }
        if (conn == null) {
            finish();
        } else {
            conn.close(1000, "session closed");
        }
    }

    /**
     * Ends the session at a limit without losing speech: uncommitted audio is committed, input is refused
     * from now on ({@code closing}, with {@code why} told to subscribers), and the upstream is closed once
     * every committed turn is transcribed or {@code graceMs} has passed.
     */
    public void drainAndClose(String why, long graceMs) {
        synchronized (this) {
            if (state != SessionState.ACTIVE) {
                if (state == SessionState.CONNECTING) {
                    // Nothing has reached the upstream yet that could be transcribed in time.
                    queued.clear();
                }
                if (state.terminal() || state == SessionState.CLOSING) {
                    return;
                }
            } else {
                if (uncommittedBytes >= 100L * bytesPerMs()) {
                    upstream.send(codec.encode(new ClientEvent.InputAudioBufferCommit(null)));
                    awaitingCommit = true;
                }
                drainUntil = clock.getAsLong() + graceMs;
                transition(SessionState.CLOSING, why);
            }
        }
        if (drainUntil < 0) {
            close(why);
        } else {
            LOG.infof("session %s: draining: %s", id, why);
            drainStep(clock.getAsLong());
        }
    }

    /** Closes the upstream of a draining session once nothing is pending or its grace has passed. */
    void drainStep(long now) {
        UpstreamConnection conn;
        synchronized (this) {
            if (drainUntil < 0 || (now < drainUntil && (awaitingCommit || transcript.pending() > 0))) {
                return;
            }
            drainUntil = -1;
            stateSince = now;
            conn = upstream;
        }
        if (conn == null) {
            finish();
        } else {
            conn.close(1000, "session closed");
        }
    }

    /** True while the session waits for its last transcriptions before closing. */
    boolean draining() {
        return drainUntil >= 0;
    }

    /** When the owner's maximum session duration is reached. */
    long deadline() {
        return deadline;
    }

    /** Epoch milliseconds when the session ends at the latest (its owner's max-session-duration). */
    public long expiresAt() {
        return deadline;
    }

    /** Moves to {@code failed}; the upstream, if any, is closed. */
    void fail(String why, Integer code) {
        UpstreamConnection conn;
        synchronized (this) {
            if (state.terminal()) {
                return;
            }
            if (code != null) {
                closeCode = code;
            }
            conn = upstream;
            transition(SessionState.FAILED, why);
        }
        LOG.warnf("session %s: failed: %s", id, why);
        if (conn == null) {
            finish();
        } else {
            conn.close(1000, "session failed");
        }
    }

    /** Ends a session whose upstream did not confirm a close in time. */
    void forceFinish(String why) {
        synchronized (this) {
            if (!state.terminal()) {
                transition(SessionState.CLOSED, why);
            }
        }
        finish();
    }

    private void finish() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            drainUntil = -1;
            closedAt = clock.getAsLong();
            queued.clear();
        }
        hub.publish(GatewayEvent.CLOSED, closedEvent(), true);
        hub.closeAll(1000, "session " + state.wire());
        LOG.infof("session %s: %s (%s)", id, state.wire(), reason);
    }

    private void transition(SessionState next, String why) {
        state = next;
        reason = why;
        stateSince = clock.getAsLong();
        hub.publish(GatewayEvent.STATE, codec.write(new GatewayEvent(GatewayEvent.STATE, nextEventId(), id,
                next.wire(), why, closeCode, stateSince)), true);
    }

    private String closedEvent() {
        return codec.write(new GatewayEvent(GatewayEvent.CLOSED, nextEventId(), id, state.wire(), reason, closeCode,
                closedAt == null ? clock.getAsLong() : closedAt));
    }

    private String nextEventId() {
        return "event_gw_" + id.substring(Math.min(5, id.length())) + "_" + eventIds.incrementAndGet();
    }

    // ---- views -------------------------------------------------------------------------------------

    public String id() {
        return id;
    }

    public SessionState state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    public Session config() {
        return config;
    }

    public Transcript transcript() {
        return transcript;
    }

    /** The key that created the session. */
    public String owner() {
        return owner.name();
    }

    public SessionUsage usage() {
        return usage.view();
    }

    public long createdAt() {
        return createdAt;
    }

    public Optional<Long> closedAt() {
        return Optional.ofNullable(closedAt);
    }

    public synchronized boolean finished() {
        return finished;
    }

    /** Milliseconds since the last audio or producer change, or 0 while a producer is attached. */
    long idleMs(long now) {
        return producers.get() > 0 ? 0 : now - lastActivity;
    }

    long stateAgeMs(long now) {
        return now - stateSince;
    }

    public SessionSnapshot snapshot() {
        Map<String, Long> byType = new TreeMap<>();
        eventsByType.forEach((k, v) -> byType.put(k, v.sum()));
        return new SessionSnapshot(id, "gateway.session", state.wire(), reason, closeCode, provider.name(),
                createdAt, closedAt, config,
                new SessionSnapshot.Counters(audioBytes.get(), audioMs.get(), eventsReceived.sum(), byType,
                        hub.subscribersNow(), hub.subscribersTotal(), producers.get()),
                owner.name(), usage.view());
    }
}
