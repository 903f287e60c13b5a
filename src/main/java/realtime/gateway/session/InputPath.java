package realtime.gateway.session;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.ServerEvent;
import realtime.gateway.upstream.UpstreamConnection;

/**
 * The caller's way upstream: admit (the session takes input, the queue has room, the owner's audio quota
 * allows it) → queue → send in chunks as the upstream's write queue has room. Each input's completion
 * says when all of it was handed to the upstream, or why it was refused; producers wait for it, so a
 * stalled upstream stalls them instead of filling memory. Touched only on the session's context.
 */
final class InputPath {

    private final String sessionId;
    private final Lifecycle lifecycle;
    private final EventReactor reactor;
    private final UsageSink owner;
    private final Executor context;
    private final int chunkBytes;
    private final int maxQueued;
    private final ArrayDeque<PendingInput> queue = new ArrayDeque<>();
    private final BufferMirror mirror;
    private final long maxBufferedMs;
    /** Audio waiting in the queue, in ms. */
    private double queuedMs;
    private UpstreamConnection upstream;
    private boolean awaitingDrain;
    private AudioFormat sessionFormat;
    private long bytesSent;
    private double msSent;
    private double resentMs;
    /** A connection to move to at the next turn boundary (a rotation), and what to do once moved. */
    private UpstreamConnection next;
    private java.util.function.Consumer<Boolean> onMoved;

    /**
     * @param chunkBytes the largest append, in bytes of the session's format (other formats: same duration)
     * @param maxQueued inputs held while the upstream connects; more are refused as busy
     */
    InputPath(String sessionId, Lifecycle lifecycle, EventReactor reactor, UsageSink owner, Executor context,
            int chunkBytes, int maxQueued, AudioFormat sessionFormat, long maxBufferedMs) {
        this.sessionId = sessionId;
        this.lifecycle = lifecycle;
        this.reactor = reactor;
        this.owner = owner;
        this.context = context;
        this.chunkBytes = chunkBytes;
        this.maxQueued = maxQueued;
        this.sessionFormat = sessionFormat;
        this.maxBufferedMs = maxBufferedMs;
        this.mirror = new BufferMirror(reactor);
    }

    CompletionStage<Optional<Refusal>> audio(byte[] audio, AudioFormat format) {
        Optional<Refusal> no = admitAudio(audio, format);
        return no.isPresent() ? CompletableFuture.completedFuture(no) : enqueue(new PendingInput(audio, format, null, null));
    }

    /**
     * An upload: answered once all of it is handed upstream, or at once while there is no upstream connection
     * (connecting, reconnecting) with what was sent and what is held for the connection, so a caller is never
     * kept waiting on an upstream that may take a minute to come back.
     */
    CompletionStage<Upload> upload(byte[] audio, AudioFormat format, boolean commit) {
        Optional<Refusal> no = admitAudio(audio, format);
        if (no.isPresent()) {
            return CompletableFuture.completedFuture(new Upload(no, 0, 0));
        }
        PendingInput p = new PendingInput(audio, format, null, null);
        CompletionStage<Optional<Refusal>> last = enqueue(p);
        if (commit) {
            last = enqueue(new PendingInput(null, null, new ClientEvent.InputAudioBufferCommit(null), null));
        }
        CompletableFuture<Upload> out = new CompletableFuture<>();
        last.thenAccept(r -> out.complete(new Upload(r, r.isPresent() ? p.offset : audio.length, 0)));
        if (upstream == null && !out.isDone()) {
            out.complete(new Upload(Optional.empty(), p.offset, audio.length - p.offset));
        }
        return out;
    }

    CompletionStage<Optional<Refusal>> event(ClientEvent event) {
        Optional<Refusal> no = admit();
        return no.isPresent() ? CompletableFuture.completedFuture(no) : enqueue(new PendingInput(null, null, event, null));
    }

    /** A validated client frame to forward as it was written. */
    CompletionStage<Optional<Refusal>> raw(String text, ClientEvent parsed) {
        Optional<Refusal> no = admit();
        return no.isPresent() ? CompletableFuture.completedFuture(no) : enqueue(new PendingInput(null, null, parsed, text));
    }

    /** The commit that ends a session at a limit: after everything queued, whatever the state. */
    void finalCommit() {
        PendingInput commit = new PendingInput(null, null, new ClientEvent.InputAudioBufferCommit(null), null);
        commit.ifAudio = true;
        enqueue(commit);
    }

    /** Admitted and charged to the owner's audio quota, or refused. */
    private Optional<Refusal> admitAudio(byte[] audio, AudioFormat format) {
        Optional<Refusal> no = admit();
        return no.isPresent() ? no : owner.chargeAudio(format.millis(audio.length)).map(q -> q);
    }

    private Optional<Refusal> admit() {
        if (!lifecycle.acceptsInput()) {
            return Optional.of(new Refusal.SessionClosed(sessionId, lifecycle.state()));
        }
        if (upstream == null && lifecycle.state() == SessionState.RECONNECTING && queuedMs >= maxBufferedMs) {
            return Optional.of(new Refusal.SessionBusy("session " + sessionId + " is reconnecting to its upstream and "
                    + "already holds " + Math.round(queuedMs / 1000) + " s of audio, the most it holds "
                    + "(gateway.upstream.reconnect.max-buffered); this input was not taken: send it again when the "
                    + "session is active"));
        }
        if (upstream == null && queue.size() >= maxQueued) {
            return Optional.of(new Refusal.SessionBusy("session " + sessionId + " is still connecting and has "
                    + maxQueued + " inputs queued; wait for it to become active"));
        }
        return Optional.empty();
    }

    private CompletionStage<Optional<Refusal>> enqueue(PendingInput p) {
        queue.add(p);
        queuedMs += p.unsentMs();
        pump();
        return p.done;
    }

    /** The upstream dropped: input waits (bounded) until a new connection takes it. */
    void disconnected() {
        upstream = null;
        awaitingDrain = false;
        next = null;
        onMoved = null;
        mirror.newConnection();
    }

    /**
     * A new upstream connection: first the retained audio goes again, each pending turn followed by a commit
     * when turns are committed by the caller ({@code manualCommits}), then what the caller queued meanwhile.
     *
     * @return the item ids of the turns sent again, in order: the upstream will answer them with new ids
     */
    List<String> reconnected(UpstreamConnection conn, boolean manualCommits) {
        BufferMirror.Replay replay = mirror.replay(manualCommits);
        for (int i = replay.inputs().size() - 1; i >= 0; i--) {
            queue.addFirst(replay.inputs().get(i));
        }
        connected(conn);
        return replay.turns();
    }

    /** The gateway sent the effective configuration on a new main connection (before anything queued). */
    void ownUpdateSent() {
        mirror.ownUpdateSent();
    }

    /** The upstream is open: what was queued goes first. */
    void connected(UpstreamConnection conn) {
        upstream = conn;
        pump();
    }

    /** Sends what the upstream's write queue takes; waits for its drain otherwise. */
    void pump() {
        UpstreamConnection conn = upstream;
        while (conn != null && !queue.isEmpty()) {
            if (conn.writeQueueFull()) {
                if (!awaitingDrain) {
                    awaitingDrain = true;
                    conn.onDrain(() -> context.execute(() -> {
                        awaitingDrain = false;
                        pump();
                    }));
                }
                return;
            }
            PendingInput p = queue.peek();
            if (next != null && p.audio != null && mirror.atTurnBoundary()) {
                moveToNext(false);
                conn = upstream;
                continue;
            }
            double before = p.unsentMs();
            boolean all = sendSome(conn, p);
            queuedMs -= before - p.unsentMs();
            if (all) {
                queue.poll();
                p.done.complete(Optional.empty());
            }
        }
    }

    /** Sends one chunk of {@code p}; true when all of it is sent. */
    private boolean sendSome(UpstreamConnection conn, PendingInput p) {
        if (p.audio == null) {
            if (p.ifAudio && !mirror.worthCommitting()) {
                return true; // nothing worth committing: the upstream would answer commit_empty
            }
            if (p.event instanceof ClientEvent.InputAudioBufferCommit) {
                mirror.commitSent();
            } else if (p.event instanceof ClientEvent.InputAudioBufferClear) {
                mirror.cleared();
            } else if (p.event instanceof ClientEvent.SessionUpdate u && u.session() != null
                    && u.session().audio() != null && u.session().audio().input() != null
                    && u.session().audio().input().format() != null) {
                sessionFormat = TranscriptionConfig.format(u.session().audio().input().format());
            }
            if (p.event instanceof ClientEvent.SessionUpdate || p.event instanceof ClientEvent.TranscriptionSessionUpdate) {
                mirror.updateSent(p);
            }
            if (p.raw != null) {
                conn.sendRaw(p.raw);
            } else {
                conn.send(p.event);
            }
            return true;
        }
        long max = (long) chunkBytes * p.format.bytesPerSecond() / sessionFormat.bytesPerSecond();
        int len = (int) Math.min(p.audio.length - p.offset, Math.max(p.format.frameBytes(),
                max - max % p.format.frameBytes()));
        byte[] chunk = p.offset == 0 && len == p.audio.length ? p.audio
                : Arrays.copyOfRange(p.audio, p.offset, p.offset + len);
        conn.appendAudio(chunk, p.format);
        mirror.audioSent(chunk, p.format);
        p.offset += len;
        double ms = p.format.millis(len);
        if (!p.resend) {
            bytesSent += len;
            msSent += ms;
            reactor.audioSent(ms);
        } else {
            resentMs += ms;
        }
        return p.offset == p.audio.length;
    }

    /**
     * A rotation: {@code standby} is open with the session's configuration. Audio moves to it at the next turn
     * boundary; {@code moved} is told, with whether a commit was sent to end a turn in progress.
     */
    void standby(UpstreamConnection standby, java.util.function.Consumer<Boolean> moved) {
        next = standby;
        onMoved = moved;
        if (upstream != null && mirror.atTurnBoundary()) {
            moveToNext(false);
            pump();
        }
    }

    /** The standby ended before the move. */
    void standbyLost() {
        next = null;
        onMoved = null;
    }

    /** The old connection is about to reach its age limit: move now, ending a turn in progress with a commit. */
    void forceMove() {
        if (next == null || upstream == null) {
            return;
        }
        boolean commit = !mirror.atTurnBoundary() && mirror.worthCommitting();
        if (commit) {
            upstream.send(new ClientEvent.InputAudioBufferCommit(null));
            mirror.commitSent();
        }
        moveToNext(commit);
        pump();
    }

    private void moveToNext(boolean commitSent) {
        upstream = next;
        next = null;
        awaitingDrain = false;
        mirror.moved();
        java.util.function.Consumer<Boolean> moved = onMoved;
        onMoved = null;
        moved.accept(commitSent);
    }

    /** What the upstream said, for the mirror of its buffer. */
    void learn(ServerEvent event, boolean main) {
        mirror.learn(event, main);
    }

    /** Audio sent again after reconnects, in ms. */
    long resentMs() {
        return (long) resentMs;
    }

    /** Audio kept for a reconnect now, in ms. */
    long retainedMs() {
        return (long) mirror.retainedMs();
    }

    /** Drops everything queued: refused as closed, unsent audio refunded to the owner. */
    void abandon() {
        upstream = null;
        queuedMs = 0;
        for (PendingInput p; (p = queue.poll()) != null;) {
            double ms = p.unsentMs();
            if (ms > 0 && !p.resend) {
                owner.refundAudio(ms);
            }
            p.done.complete(Optional.of(new Refusal.SessionClosed(sessionId, lifecycle.state())));
        }
    }

    long bytesSent() {
        return bytesSent;
    }

    long msSent() {
        return (long) (msSent + 1e-6);
    }

    int queued() {
        return queue.size();
    }
}
