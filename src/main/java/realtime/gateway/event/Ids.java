package realtime.gateway.event;

import java.security.SecureRandom;

/** Random ids and secrets in the wire's style: a prefix ({@code sess_}, {@code item_}, {@code ek_}…) and base62. */
public final class Ids {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** {@code prefix} followed by {@code n} random base62 characters (about 5.95 bits each). */
    public static String random(String prefix, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return prefix + new String(c);
    }
}
