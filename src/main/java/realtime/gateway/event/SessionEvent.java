package realtime.gateway.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Session lifecycle events: GA {@code session.*} and beta {@code transcription_session.*}. */
public sealed interface SessionEvent extends ServerEvent {

    /** The session object carried by the event. */
    Session session();

    /** {@code session.created}: first event on every GA socket. */
    @Wire
    @RegisterForReflection
    record Created(String type, String eventId, Session session) implements SessionEvent {
        public static final String TYPE = "session.created";
    }

    /** {@code session.updated}: the effective configuration after a {@code session.update}. */
    @Wire
    @RegisterForReflection
    record Updated(String type, String eventId, Session session) implements SessionEvent {
        public static final String TYPE = "session.updated";
    }

    /** {@code transcription_session.created}: first event on a beta transcription socket. */
    @Wire
    @RegisterForReflection
    record TranscriptionCreated(String type, String eventId, Session session) implements SessionEvent {
        public static final String TYPE = "transcription_session.created";
    }

    /** {@code transcription_session.updated}: beta reply to {@code transcription_session.update}. */
    @Wire
    @RegisterForReflection
    record TranscriptionUpdated(String type, String eventId, Session session) implements SessionEvent {
        public static final String TYPE = "transcription_session.updated";
    }
}
