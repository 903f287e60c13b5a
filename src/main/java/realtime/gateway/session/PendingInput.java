package realtime.gateway.session;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;

/** One caller input waiting in the {@link InputPath}: audio sent whole or in chunks, or one client event. */
final class PendingInput {
    final byte[] audio;
    final AudioFormat format;
    final ClientEvent event;
    /** The client frame as it was written, forwarded verbatim; null when {@link #event} is encoded by the gateway. */
    final String raw;
    final CompletableFuture<Optional<Refusal>> done = new CompletableFuture<>();
    /** A commit sent only if at least 100 ms are uncommitted when its turn comes. */
    boolean ifAudio;
    /** Sent again after a reconnect: already charged and counted, nobody waits for it. */
    boolean resend;
    /** Bytes of {@link #audio} already sent. */
    int offset;

    PendingInput(byte[] audio, AudioFormat format, ClientEvent event, String raw) {
        this.audio = audio;
        this.format = format;
        this.event = event;
        this.raw = raw;
    }

    double unsentMs() {
        return audio == null ? 0 : format.millis(audio.length - offset);
    }
}
