package realtime.gateway.upstream;

import io.smallrye.mutiny.Uni;

/** Opens one upstream transcription connection per session. */
public interface UpstreamProvider {

    /**
     * Opens a connection for {@code sessionId}. The listener is called on one thread at a time, in
     * frame order, and must not block. The returned Uni fails when the connection cannot be opened.
     */
    Uni<UpstreamConnection> connect(String sessionId, UpstreamListener listener);

    /** Whether this provider can work now (has its credentials, has loaded its models). */
    boolean configured();

    /** Why {@link #configured()} is false, in words an operator can act on. */
    default String notReadyReason() {
        return configured() ? null : "provider " + name() + " is not configured";
    }

    /** Prepares the provider at start (loads models and the like) when it is the one selected. */
    default void warmUp() {
    }

    /**
     * Whether {@link UpstreamConnection#appendAudio} takes PCM16 at {@code rate} directly (the provider
     * converts it once, to what its engine needs). When false, audio is converted to the session's input
     * format first.
     */
    default boolean acceptsPcmRate(int rate) {
        return rate == realtime.gateway.audio.Pcm.UPSTREAM_RATE;
    }

    /**
     * Whether a failed connect means trying again is pointless (the upstream refused the credentials, the
     * model or the request itself), as opposed to a network fault or an overloaded upstream.
     */
    default boolean fatal(Throwable connectFailure) {
        return false;
    }

    /**
     * Whether a session's first connect failed in a way that will not change by waiting (refused credentials
     * or request, or nothing listening at the address): the create fails at once with a 502 instead of
     * retrying. Other first-connect failures retry under the reconnect policy.
     */
    default boolean refusedAtStart(Throwable connectFailure) {
        for (Throwable t = connectFailure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return fatal(connectFailure);
    }

    /**
     * How long the upstream keeps one connection before it ends it (OpenAI: 60 minutes); sessions move to a
     * new connection before that. Empty: no limit.
     */
    default java.util.Optional<java.time.Duration> maxSessionAge() {
        return java.util.Optional.empty();
    }

    /**
     * Why this provider cannot transcribe {@code language} (an ISO-639-1 code), in words for the caller; empty
     * when it can. The local engine knows English only.
     */
    default java.util.Optional<String> refuseLanguage(String language) {
        return java.util.Optional.empty();
    }

    /** A short name for logs and the session view. */
    String name();
}
