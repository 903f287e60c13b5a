package realtime.gateway.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Wire;

/** The reply to an audio upload: what was sent upstream. */
@Wire
@RegisterForReflection
public record AudioAccepted(String sessionId, long bytesSent, long durationMs, int chunks, boolean committed) {
}
