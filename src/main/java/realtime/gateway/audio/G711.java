package realtime.gateway.audio;

/** ITU-T G.711 μ-law and A-law encoding of 16-bit PCM (8 kHz by definition of the codec). */
public final class G711 {

    /** G.711's sample rate. */
    public static final int RATE = 8000;

    private G711() {
    }

    public static byte[] ulaw(short[] pcm) {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            int s = pcm[i];
            int sign = (s >> 8) & 0x80;
            if (sign != 0) {
                s = -s;
            }
            s = Math.min(s, 32635) + 0x84;
            int exponent = 7;
            for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) {
                exponent--;
            }
            int mantissa = (s >> (exponent + 3)) & 0x0f;
            out[i] = (byte) ~(sign | (exponent << 4) | mantissa);
        }
        return out;
    }

    public static byte[] alaw(short[] pcm) {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            int s = pcm[i];
            int sign = s >= 0 ? 0x80 : 0;
            if (s < 0) {
                s = Math.min(-s, 32767);
            }
            int enc;
            if (s < 256) {
                enc = s >> 4;
            } else {
                int exponent = 7;
                for (int mask = 0x4000; (s & mask) == 0 && exponent > 1; mask >>= 1) {
                    exponent--;
                }
                enc = (exponent << 4) | ((s >> (exponent + 3)) & 0x0f);
            }
            out[i] = (byte) ((sign | enc) ^ 0x55);
        }
        return out;
    }

    /** μ-law bytes to 16-bit PCM. */
    public static short[] decodeUlaw(byte[] in) {
        short[] out = new short[in.length];
        for (int i = 0; i < in.length; i++) {
            int u = ~in[i] & 0xff;
            int t = ((u & 0x0f) << 3) + 0x84;
            t <<= (u & 0x70) >> 4;
            out[i] = (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
        }
        return out;
    }

    /** A-law bytes to 16-bit PCM. */
    public static short[] decodeAlaw(byte[] in) {
        short[] out = new short[in.length];
        for (int i = 0; i < in.length; i++) {
            int a = (in[i] ^ 0x55) & 0xff;
            int t = (a & 0x0f) << 4;
            int seg = (a & 0x70) >> 4;
            if (seg == 0) {
                t += 8;
            } else {
                t = (t + 0x108) << (seg - 1);
            }
            out[i] = (short) ((a & 0x80) != 0 ? t : -t);
        }
        return out;
    }
}
