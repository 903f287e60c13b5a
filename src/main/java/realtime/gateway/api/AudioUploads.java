package realtime.gateway.api;

import java.util.Locale;
import java.util.function.IntPredicate;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.audio.AudioFormatException;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;
import realtime.gateway.session.Refusal;

/**
 * Turns an uploaded body into audio for the session: WAV (any rate, any channel count, 16-bit PCM) and
 * {@code audio/pcm} (PCM16 little-endian mono, 24 kHz unless its {@code rate} parameter says otherwise) are
 * down-mixed, and resampled to the session's format only when the upstream cannot take their rate itself
 * (so each upload is resampled at most once, by whoever needs it); {@code application/octet-stream} is
 * taken as already in the session's format. Anything else is an {@code invalid_audio} refusal.
 */
final class AudioUploads {

    static final String ACCEPTED = "audio/wav (16-bit PCM, any rate, mono or stereo), audio/pcm "
            + "(PCM16 little-endian mono, 24 kHz or ;rate=N) or application/octet-stream (bytes in the session's input format)";

    /** Audio ready to append: the bytes and what they are. */
    record Upload(byte[] data, AudioFormat format) {
    }

    private AudioUploads() {
    }

    /**
     * @param keepsRate whether the upstream takes PCM16 at a given rate as it is
     * @throws Refusal.Rejected ({@code invalid_audio}, param {@code body}) for a body that is not what it claims
     */
    static Upload forSession(String contentType, byte[] body, AudioFormat session, IntPredicate keepsRate) {
        try {
            return convert(contentType, body, session, keepsRate);
        } catch (AudioFormatException e) {
            throw Refusal.invalid("body", "invalid_audio", e.getMessage());
        }
    }

    /** The file formats {@link #forFile} reads. */
    static final String FILE_FORMATS = "WAV (16-bit PCM), AIFF or AU (PCM, or what the JDK converts to PCM)";

    /**
     * A whole audio file of unknown type (a transcription request's {@code file}): WAV is read directly, AIFF
     * and AU through the JDK's sound API; anything else is refused naming what is read.
     */
    static Upload forFile(byte[] file, String name, AudioFormat session, IntPredicate keepsRate) {
        try {
            if (file == null || file.length == 0) {
                throw new AudioFormatException("the file is empty");
            }
            if (startsWith(file, "RIFF") && file.length >= 12 && new String(file, 8, 4, java.nio.charset.StandardCharsets.US_ASCII)
                    .equals("WAVE")) {
                return encode(Wav.parse(file), session, keepsRate);
            }
            if (startsWith(file, "FORM") || startsWith(file, ".snd")) {
                return encode(viaJdk(file), session, keepsRate);
            }
            throw new AudioFormatException("'" + name + "' is not a format the gateway reads: send " + FILE_FORMATS
                    + "; convert other formats first, e.g. ffmpeg -i in.mp3 -ac 1 -ar 24000 out.wav");
        } catch (AudioFormatException e) {
            throw Refusal.invalid("file", "invalid_audio", e.getMessage());
        }
    }

    private static boolean startsWith(byte[] b, String magic) {
        if (b.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (b[i] != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** AIFF or AU through javax.sound.sampled, as 16-bit little-endian PCM. */
    private static Pcm viaJdk(byte[] file) {
        try (javax.sound.sampled.AudioInputStream in = javax.sound.sampled.AudioSystem
                .getAudioInputStream(new java.io.ByteArrayInputStream(file))) {
            javax.sound.sampled.AudioFormat f = in.getFormat();
            javax.sound.sampled.AudioFormat pcm16 = new javax.sound.sampled.AudioFormat(
                    javax.sound.sampled.AudioFormat.Encoding.PCM_SIGNED, f.getSampleRate(), 16, f.getChannels(),
                    2 * f.getChannels(), f.getSampleRate(), false);
            try (javax.sound.sampled.AudioInputStream converted = javax.sound.sampled.AudioSystem.getAudioInputStream(pcm16, in)) {
                byte[] data = converted.readAllBytes();
                short[] samples = new short[data.length / 2];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = (short) ((data[2 * i] & 0xff) | (data[2 * i + 1] << 8));
                }
                int rate = Math.round(f.getSampleRate());
                if (rate < 8000 || rate > 192000) {
                    throw new AudioFormatException("sample rate " + rate + " Hz is outside 8000-192000");
                }
                return new Pcm(rate, f.getChannels(), samples);
            }
        } catch (javax.sound.sampled.UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new AudioFormatException("the JDK cannot read this AIFF/AU file (" + e.getMessage() + "); send "
                    + FILE_FORMATS);
        } catch (java.io.IOException e) {
            throw new AudioFormatException("the file could not be read: " + e.getMessage());
        }
    }

    private static Upload convert(String contentType, byte[] body, AudioFormat session, IntPredicate keepsRate) {
        if (body == null || body.length == 0) {
            throw new AudioFormatException("the body is empty: send audio as " + ACCEPTED);
        }
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String base = ct.contains(";") ? ct.substring(0, ct.indexOf(';')).strip() : ct.strip();
        return switch (base) {
            case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> encode(Wav.parse(body), session, keepsRate);
            case "audio/pcm", "audio/l16" -> encode(Pcm.fromLittleEndian(body, rateOf(ct)), session, keepsRate);
            case "application/octet-stream" -> {
                if (body.length % session.frameBytes() != 0) {
                    throw new AudioFormatException("PCM16 audio must have an even number of bytes (2 per sample); got "
                            + body.length);
                }
                yield new Upload(body, session);
            }
            default -> throw new AudioFormatException("unsupported Content-Type '" + (base.isEmpty() ? "(none)" : base)
                    + "': send " + ACCEPTED);
        };
    }

    private static Upload encode(Pcm pcm, AudioFormat session, IntPredicate keepsRate) {
        Pcm mono = pcm.mono();
        if (session.encoding() == AudioFormat.Encoding.PCM16
                && (mono.sampleRate() == session.rate() || keepsRate.test(mono.sampleRate()))) {
            return new Upload(mono.toLittleEndian(), new AudioFormat(AudioFormat.Encoding.PCM16, mono.sampleRate()));
        }
        return new Upload(session.encode(mono.monoAt(session.rate()).samples()), session);
    }

    private static int rateOf(String contentType) {
        for (String part : contentType.split(";")) {
            String p = part.strip();
            if (p.startsWith("rate=")) {
                try {
                    int r = Integer.parseInt(p.substring(5).strip());
                    if (r >= 8000 && r <= 192000) {
                        return r;
                    }
                } catch (NumberFormatException e) {
                    // fall through to the error below
                }
                throw new AudioFormatException("invalid rate parameter '" + p + "': use an integer from 8000 to 192000");
            }
        }
        return Pcm.UPSTREAM_RATE;
    }
}
