package realtime.gateway.session;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Wire;

/**
 * The first frame a resuming subscriber gets: the frames {@code from_seq}..{@code to_seq} follow, then the
 * live stream. {@code recovered} is false when the log no longer held the frame right after the one the
 * subscriber asked to resume after: frames before {@code from_seq} are lost to it, and it must not take
 * the replay for a complete one.
 */
@Wire
@RegisterForReflection
public record GatewayReplay(String type, String eventId, String sessionId, long fromSeq, long toSeq,
        boolean recovered) {

    public static final String TYPE = "gateway.replay";
}
