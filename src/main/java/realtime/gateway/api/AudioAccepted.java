package realtime.gateway.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Wire;

/**
 * The reply to an audio upload: bytes handed to the upstream, and bytes held for it while the session's
 * upstream connection is not open (they go first once it is).
 */
@Wire
@RegisterForReflection
public record AudioAccepted(String sessionId, long bytesSent, long bytesBuffered, long durationMs, int chunks, boolean committed) {
}
