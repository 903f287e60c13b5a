package realtime.gateway.upstream;

import java.util.concurrent.CompletionStage;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.event.ClientEvent;

/**
 * An open upstream connection, typed: audio, client events and (for verbatim pass-through) raw text go
 * out; encoding is the adapter's job. Each write returns when it is handed to the transport (or failed);
 * writes from one thread stay in order. A caller that writes while {@link #writeQueueFull()} is true
 * queues in the transport's memory: callers wait for {@link #onDrain} instead.
 */
public interface UpstreamConnection {

    /**
     * Appends audio to the upstream's input buffer. {@code format} is what the bytes are: the session's
     * input format, or PCM16 at another rate where the provider {@link UpstreamProvider#acceptsPcmRate
     * accepts it}.
     */
    CompletionStage<Void> appendAudio(byte[] audio, AudioFormat format);

    /** Sends one client event in the upstream's wire form. */
    CompletionStage<Void> send(ClientEvent event);

    /** Sends a client frame exactly as a caller wrote it (already validated). */
    CompletionStage<Void> sendRaw(String text);

    /** True while the transport holds more unsent data than it wants: stop writing until {@link #onDrain}. */
    boolean writeQueueFull();

    /** Runs {@code ready} once, when the write queue has room again (at once if it has now). */
    void onDrain(Runnable ready);

    /** Closes the connection; the listener then sees {@link UpstreamListener#onClosed}. */
    void close(int code, String reason);
}
