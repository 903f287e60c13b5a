package realtime.gateway.api;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Wire;
import realtime.gateway.session.Transcript;

/** {@code GET /v1/sessions/{id}/transcript} as JSON: the items in speech order and their joined text. */
@Wire
@RegisterForReflection
public record TranscriptView(String sessionId, String state, String text, List<Transcript.Entry> items) {
}
