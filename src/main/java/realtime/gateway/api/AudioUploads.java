package realtime.gateway.api;

import java.util.Locale;

import realtime.gateway.audio.AudioFormatException;
import realtime.gateway.audio.G711;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;
import realtime.gateway.event.Session;

/**
 * Turns an uploaded body into bytes in the session's input format: WAV (any rate, any channel count,
 * 16-bit PCM) is down-mixed and resampled; {@code audio/pcm} is PCM16 mono at 24 kHz unless its
 * {@code rate} parameter says otherwise; {@code application/octet-stream} is taken as already in the
 * session's format.
 */
final class AudioUploads {

    static final String ACCEPTED = "audio/wav (16-bit PCM, any rate, mono or stereo), audio/pcm "
            + "(PCM16 little-endian mono, 24 kHz or ;rate=N) or application/octet-stream (bytes in the session's input format)";

    private AudioUploads() {
    }

    static byte[] toSessionFormat(String contentType, byte[] body, Session.AudioFormat format) {
        if (body == null || body.length == 0) {
            throw new AudioFormatException("the body is empty: send audio as " + ACCEPTED);
        }
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String base = ct.contains(";") ? ct.substring(0, ct.indexOf(';')).strip() : ct.strip();
        String target = format == null || format.type() == null ? Session.AudioFormat.PCM : format.type();
        return switch (base) {
            case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> encode(Wav.parse(body), target);
            case "audio/pcm", "audio/l16" -> encode(Pcm.fromLittleEndian(body, rateOf(ct)), target);
            case "application/octet-stream" -> {
                if (Session.AudioFormat.PCM.equals(target) && body.length % 2 != 0) {
                    throw new AudioFormatException("PCM16 audio must have an even number of bytes (2 per sample); got "
                            + body.length);
                }
                yield body;
            }
            default -> throw new AudioFormatException("unsupported Content-Type '" + (base.isEmpty() ? "(none)" : base)
                    + "': send " + ACCEPTED);
        };
    }

    private static byte[] encode(Pcm pcm, String target) {
        return switch (target) {
            case Session.AudioFormat.PCMU -> G711.ulaw(pcm.monoAt(G711.RATE).samples());
            case Session.AudioFormat.PCMA -> G711.alaw(pcm.monoAt(G711.RATE).samples());
            default -> pcm.monoAt(Pcm.UPSTREAM_RATE).toLittleEndian();
        };
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
