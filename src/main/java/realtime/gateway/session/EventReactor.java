package realtime.gateway.session;

import java.util.Set;

import org.jboss.logging.Logger;

import realtime.gateway.event.Details;
import realtime.gateway.event.Dialects;
import realtime.gateway.event.InputAudioEvent;
import realtime.gateway.event.ServerEvent;
import realtime.gateway.event.SessionEvent;
import realtime.gateway.event.SystemEvent;
import realtime.gateway.event.TranscriptionEvent;

/**
 * What a session learns from its upstream's events: the transcript (turns, times, text), the usage the
 * upstream reports (to the session and its owner's account), the effective configuration the upstream
 * confirms, whether a commit is still unanswered, and which errors end the session. Plain Java, touched
 * only on the session's context.
 */
final class EventReactor {

    private static final Logger LOG = Logger.getLogger(EventReactor.class);

    /** Upstream error codes after which the session cannot go on (§g.3). */
    static final Set<String> FATAL_ERROR_CODES = Set.of("invalid_api_key", "beta_api_shape_disabled", "invalid_model",
            "missing_model");
    /** Upstream error codes after which this connection is over but a new one may work. */
    static final Set<String> RECONNECT_ERROR_CODES = Set.of("server_error", "session_expired");

    /** The upstream types acted on; every other frame is forwarded without being bound. */
    static final Set<String> ACTED_ON = Set.of(SessionEvent.Created.TYPE, SessionEvent.TranscriptionCreated.TYPE,
            InputAudioEvent.Committed.TYPE, InputAudioEvent.SpeechStarted.TYPE,
            InputAudioEvent.SpeechStopped.TYPE, TranscriptionEvent.Completed.TYPE, SessionEvent.Updated.TYPE,
            SessionEvent.TranscriptionUpdated.TYPE, SystemEvent.Error.TYPE, TranscriptionEvent.Failed.TYPE);

    private final String sessionId;
    private final String defaultModel;
    private final UsageSink owner;
    private final SessionMetrics metrics;
    private final String upstream;
    private final Transcript transcript = new Transcript();
    /** Where each turn goes once it has completed or failed (the store). */
    private final java.util.function.Consumer<Transcript.Row> turns;
    private final SessionUsage.Counter usage = new SessionUsage.Counter();
    private TranscriptionConfig config;
    private boolean awaitingCommit;
    /** Turns sent again after a reconnect, oldest first: the next commits of the new upstream replace them. */
    private final java.util.ArrayDeque<String> toReplace = new java.util.ArrayDeque<>();
    /** The audio before the current upstream connection's timeline began, in ms. */
    private long timeOffsetMs;
    private String[] replacement;
    /** The upstream's own id for the current connection's session (support tickets quote it). */
    private String upstreamSessionId;
    /** Rotations so far: turns of a later connection follow those of an earlier one. */
    private int connections;

    EventReactor(String sessionId, TranscriptionConfig config, String defaultModel, UsageSink owner,
            SessionMetrics metrics, String upstream, java.util.function.Consumer<Transcript.Row> turns) {
        this.turns = turns;
        this.metrics = metrics;
        this.upstream = upstream;
        this.sessionId = sessionId;
        this.config = config;
        this.defaultModel = defaultModel;
        this.owner = owner;
    }

    /** Acts on one decoded event of the main connection; returns why the session must fail when fatal, else null. */
    String act(ServerEvent event) {
        return act(event, false);
    }

    /**
     * Acts on one decoded event; {@code ofRetired} when it comes from the connection a rotation replaced (its
     * turns come before the new connection's in speech order).
     */
    String act(ServerEvent event, boolean ofRetired) {
        if (event instanceof InputAudioEvent.Committed c) {
            awaitingCommit = false;
            String old = toReplace.poll();
            if (old != null) {
                transcript.replaced(old, c.itemId());
                replacement = new String[] { old, c.itemId() };
            }
            transcript.committed(c.itemId(), c.previousItemId() == null ? null : c.previousItemId().orElse(null),
                    ofRetired ? connections - 1 : connections);
        } else if (event instanceof InputAudioEvent.SpeechStarted s) {
            transcript.speechStarted(s.itemId(), shifted(s.audioStartMs()));
        } else if (event instanceof InputAudioEvent.SpeechStopped s) {
            transcript.speechStopped(s.itemId(), shifted(s.audioEndMs()));
        } else if (event instanceof TranscriptionEvent.Completed c) {
            Details.TranscriptionUsage u = c.usage() == null ? null : c.usage().orElse(null);
            transcript.completed(c.itemId(), c.transcript(), u, c.logprobs() == null ? null : c.logprobs().orElse(null));
            usage.upstream(u);
            owner.upstreamUsage(u);
            if (u != null) {
                metrics.usage(upstream, config.transcription().map(TranscriptionConfig.Transcription::model).orElse(null), u);
            }
            turns.accept(transcript.toStore(c.itemId()));
        } else if (event instanceof TranscriptionEvent.Failed f) {
            transcript.failed(f.itemId());
            turns.accept(transcript.toStore(f.itemId()));
        } else if (event instanceof SessionEvent.Created c && c.session() != null) {
            upstreamSessionId = c.session().id();
        } else if (event instanceof SessionEvent.TranscriptionCreated c && c.session() != null) {
            upstreamSessionId = c.session().id();
        } else if (event instanceof SessionEvent.Updated u && u.session() != null) {
            config = config.updatedWith(u.session(), defaultModel);
        } else if (event instanceof SessionEvent.TranscriptionUpdated u && u.session() != null) {
            config = config.updatedWith(Dialects.toGa(u.session()), defaultModel);
        } else if (event instanceof SystemEvent.Error e && e.error() != null && e.error().code() != null) {
            String code = e.error().code().orElse(null);
            if (code != null && code.contains("commit_empty")) {
                awaitingCommit = false;
            }
            if (code != null && FATAL_ERROR_CODES.contains(code)) {
                return "upstream error " + code + ": " + e.error().message();
            }
            if (code != null && RECONNECT_ERROR_CODES.contains(code)) {
                return RECONNECT + "upstream error " + code + ": " + e.error().message();
            }
        } else if (event instanceof ServerEvent.Malformed m) {
            LOG.debugf("session %s: malformed upstream %s frame forwarded: %s", sessionId, m.type(), m.reason());
        }
        return null;
    }

    /** Prefix of {@link #act}'s answer when the connection must be replaced rather than the session failed. */
    static final String RECONNECT = "reconnect: ";

    /**
     * A new upstream connection: {@code resent} turns were sent again and will come back under new ids; its
     * timeline starts {@code offsetMs} into the session's audio.
     */
    void reconnected(java.util.List<String> resent, long offsetMs) {
        toReplace.clear();
        toReplace.addAll(resent);
        timeOffsetMs = offsetMs;
        awaitingCommit = false;
    }

    /**
     * A rotation moved the audio to a new connection whose timeline starts {@code offsetMs} into the session's
     * audio; the commit still unanswered (if any) belongs to the old one.
     */
    void rotated(long offsetMs) {
        timeOffsetMs = offsetMs;
        connections++;
    }

    /** A commit sent is still unanswered. */
    boolean awaitingCommit() {
        return awaitingCommit;
    }

    /** The replacement the last {@link #act} made, {old id, new id}, once; else null. */
    String[] takeReplacement() {
        String[] r = replacement;
        replacement = null;
        return r;
    }

    private Long shifted(Long ms) {
        return ms == null ? null : ms + timeOffsetMs;
    }

    /** A commit was sent that the upstream has yet to answer. */
    void commitSent() {
        awaitingCommit = true;
    }

    /** Nothing is pending: every commit answered, every committed turn completed or failed. */
    boolean settled() {
        return !awaitingCommit && transcript.pending() == 0;
    }

    /** Audio sent: counted for the session (the owner was charged when it was admitted). */
    void audioSent(double ms) {
        usage.audio(ms);
        metrics.audioSent(upstream, ms);
    }

    Transcript transcript() {
        return transcript;
    }

    SessionUsage usage() {
        return usage.view();
    }

    TranscriptionConfig config() {
        return config;
    }

    /** The upstream's id of the session on the current connection, once it said. */
    String upstreamSessionId() {
        return upstreamSessionId;
    }
}
