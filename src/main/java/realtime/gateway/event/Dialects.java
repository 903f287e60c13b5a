package realtime.gateway.event;

import java.util.Optional;

import realtime.gateway.audio.Pcm;

/**
 * Maps a transcription configuration between the beta flat shape ({@code transcription_session.update},
 * REST a.1) and the GA typed shape ({@code session.update} with {@code type: "transcription"}). Absent
 * keys stay absent and explicit nulls stay null, so an update keeps its meaning in either dialect.
 */
public final class Dialects {

    public static final String PCM16 = "pcm16";
    public static final String G711_ULAW = "g711_ulaw";
    public static final String G711_ALAW = "g711_alaw";

    private Dialects() {
    }

    /** Beta transcription config to GA. {@code input_audio_format} must be one of the three beta names. */
    public static Session toGa(Session beta) {
        Session.AudioFormat format = beta.inputAudioFormat() == null ? null : gaFormat(beta.inputAudioFormat());
        Session.AudioInput input = new Session.AudioInput(format, beta.inputAudioTranscription(),
                beta.inputAudioNoiseReduction(), beta.turnDetection());
        return Session.transcription(Session.TYPE_TRANSCRIPTION, new Session.Audio(input, null), beta.include());
    }

    /** GA transcription config to the beta flat shape. */
    public static Session toBeta(Session ga) {
        Session.AudioInput input = ga.audio() == null ? null : ga.audio().input();
        if (input == null) {
            return Session.betaTranscription(null, null, null, null, ga.include());
        }
        String format = input.format() == null ? null : betaFormat(input.format());
        return Session.betaTranscription(format, input.transcription(), input.turnDetection(),
                input.noiseReduction(), ga.include());
    }

    /** True when the session is in the GA shape ({@code type} set or an {@code audio} object present). */
    public static boolean isGa(Session session) {
        return session.type() != null || session.audio() != null;
    }

    /** {@code pcm16} → {@code {audio/pcm, 24000}}, {@code g711_ulaw} → {@code audio/pcmu}, {@code g711_alaw} → {@code audio/pcma}. */
    public static Session.AudioFormat gaFormat(String beta) {
        return switch (beta) {
            case PCM16 -> new Session.AudioFormat(Session.AudioFormat.PCM, Pcm.UPSTREAM_RATE);
            case G711_ULAW -> new Session.AudioFormat(Session.AudioFormat.PCMU, null);
            case G711_ALAW -> new Session.AudioFormat(Session.AudioFormat.PCMA, null);
            default -> throw new IllegalArgumentException(
                    "unsupported input_audio_format '" + beta + "': use pcm16, g711_ulaw or g711_alaw");
        };
    }

    /** The inverse of {@link #gaFormat}. */
    public static String betaFormat(Session.AudioFormat ga) {
        String type = Optional.ofNullable(ga.type()).orElse("");
        return switch (type) {
            case Session.AudioFormat.PCM -> PCM16;
            case Session.AudioFormat.PCMU -> G711_ULAW;
            case Session.AudioFormat.PCMA -> G711_ALAW;
            default -> throw new IllegalArgumentException(
                    "unsupported audio format type '" + type + "': use audio/pcm, audio/pcmu or audio/pcma");
        };
    }
}
