package realtime.gateway.session;

import java.util.Optional;

/**
 * What became of an audio upload: refused, or taken, with how many of its bytes (in the upload's format) were
 * handed to the upstream and how many are held until the session's upstream connection is open.
 */
public record Upload(Optional<Refusal> refusal, long bytesSent, long bytesBuffered) {
}
