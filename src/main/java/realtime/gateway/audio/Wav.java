package realtime.gateway.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads RIFF/WAVE files holding 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE), any rate, 1–8 channels. */
public final class Wav {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    private Wav() {
    }

    public static Pcm parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 12 || !ascii(file, 0, "RIFF") || !ascii(file, 8, "WAVE")) {
            throw new AudioFormatException("not a WAV file: expected a RIFF/WAVE header");
        }
        int pos = 12;
        Integer format = null;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (pos + 8 <= file.length) {
            String id = new String(file, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > file.length) {
                    throw new AudioFormatException("WAV 'fmt ' chunk is truncated");
                }
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xffff;
                if (format == FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= file.length) {
                    format = b.getShort(body + 24) & 0xffff; // first two bytes of the sub-format GUID
                }
            } else if (id.equals("data")) {
                if (format == null) {
                    throw new AudioFormatException("WAV 'data' chunk comes before any 'fmt ' chunk");
                }
                if (format != FORMAT_PCM) {
                    throw new AudioFormatException("unsupported WAV encoding (format tag " + format
                            + "): only 16-bit PCM is accepted; convert with e.g. 'sox in.wav -e signed -b 16 out.wav'");
                }
                if (bits != 16) {
                    throw new AudioFormatException("unsupported WAV sample size " + bits
                            + " bits: only 16-bit PCM is accepted");
                }
                if (channels < 1 || channels > 8) {
                    throw new AudioFormatException("unsupported WAV channel count " + channels + ": use 1 to 8");
                }
                if (rate < 8000 || rate > 192000) {
                    throw new AudioFormatException("unsupported WAV sample rate " + rate + " Hz: use 8000 to 192000");
                }
                // Streaming writers leave the size 0 or 0xFFFFFFFF: take what is there.
                long available = file.length - body;
                long len = size == 0 || size > available ? available : size;
                int frame = 2 * channels;
                len -= len % frame;
                short[] samples = new short[(int) (len / 2)];
                ByteBuffer data = ByteBuffer.wrap(file, body, (int) len).order(ByteOrder.LITTLE_ENDIAN);
                data.asShortBuffer().get(samples);
                return new Pcm(rate, channels, samples);
            }
            pos = (int) Math.min(file.length, body + size + (size & 1));
        }
        throw new AudioFormatException(format == null ? "WAV file has no 'fmt ' chunk" : "WAV file has no 'data' chunk");
    }

    /** A 16-bit PCM WAV file of {@code pcm}. */
    public static byte[] write(Pcm pcm) {
        byte[] data = pcm.toLittleEndian();
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + data.length)
                .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) FORMAT_PCM).putShort((short) pcm.channels()).putInt(pcm.sampleRate())
                .putInt(pcm.sampleRate() * pcm.channels() * 2).putShort((short) (pcm.channels() * 2))
                .putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return b.array();
    }

    private static boolean ascii(byte[] a, int off, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (a[off + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
