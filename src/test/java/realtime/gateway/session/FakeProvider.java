package realtime.gateway.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.smallrye.mutiny.Uni;
import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.upstream.UpstreamConnection;
import realtime.gateway.upstream.UpstreamListener;
import realtime.gateway.upstream.UpstreamProvider;

/**
 * A scripted provider for plain unit tests: the test decides when the connection opens (or fails), sees
 * everything the session sends in order, plays upstream frames and closes, and controls the write queue
 * (a connection with {@link Connection#stall} set reports its queue full after every write until drained).
 */
final class FakeProvider implements UpstreamProvider {

    private final RealtimeCodec codec = new RealtimeCodec();
    final List<CompletableFuture<UpstreamConnection>> attempts = new ArrayList<>();
    final List<UpstreamListener> listeners = new ArrayList<>();
    /** The listener of the latest connection attempt. */
    UpstreamListener listener;
    Connection connection;
    /** The upstream's connection age limit (rotation); null: none. */
    java.time.Duration maxAge;

    @Override
    public Uni<UpstreamConnection> connect(String sessionId, UpstreamListener l) {
        CompletableFuture<UpstreamConnection> attempt = new CompletableFuture<>();
        attempts.add(attempt);
        listeners.add(l);
        listener = l;
        return Uni.createFrom().completionStage(attempt);
    }

    /** Opens the connection the session is waiting for. */
    Connection open() {
        connection = new Connection();
        attempts.get(attempts.size() - 1).complete(connection);
        return connection;
    }

    /** Fails the connection attempt the session is waiting for. */
    void refuse(Throwable why) {
        attempts.get(attempts.size() - 1).completeExceptionally(why);
    }

    /** Refusals of this type are fatal (like a 401 at the handshake); others are worth retrying. */
    @Override
    public boolean fatal(Throwable connectFailure) {
        return connectFailure instanceof SecurityException;
    }

    @Override
    public java.util.Optional<java.time.Duration> maxSessionAge() {
        return java.util.Optional.ofNullable(maxAge);
    }

    @Override
    public boolean configured() {
        return true;
    }

    @Override
    public String name() {
        return "fake";
    }

    /** What the session wrote, as short descriptions, and the write queue it sees. */
    final class Connection implements UpstreamConnection {
        final List<String> sent = new ArrayList<>();
        /** The wire JSON of every configuration update sent. */
        final List<String> updates = new ArrayList<>();
        long audioBytes;
        /** Bytes written since the last drain; with {@link #stall}, any is "full". */
        long unflushed;
        long maxUnflushed;
        boolean stall;
        Runnable drain;
        Integer closedWith;

        @Override
        public CompletionStage<Void> appendAudio(byte[] audio, AudioFormat format) {
            sent.add("audio " + audio.length);
            audioBytes += audio.length;
            unflushed += audio.length;
            maxUnflushed = Math.max(maxUnflushed, unflushed);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> send(ClientEvent event) {
            sent.add(event.type());
            if (event instanceof ClientEvent.SessionUpdate) {
                updates.add(codec.encode(event));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> sendRaw(String text) {
            sent.add("raw " + codec.peekType(text));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean writeQueueFull() {
            return stall && unflushed > 0;
        }

        @Override
        public void onDrain(Runnable ready) {
            if (writeQueueFull()) {
                drain = ready;
            } else {
                ready.run();
            }
        }

        /** The transport wrote everything out: the session may write again. */
        void flush() {
            unflushed = 0;
            Runnable r = drain;
            drain = null;
            if (r != null) {
                r.run();
            }
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }
    }
}
