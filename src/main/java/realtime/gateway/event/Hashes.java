package realtime.gateway.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as lower-case hex, the only form in which secrets (client secrets, tokens, API keys) are kept,
 * and a comparison that takes the same time wherever two hashes differ.
 */
public final class Hashes {

    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: looking the algorithm up costs as much as hashing a key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Hashes() {
    }

    public static String sha256(String secret) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HEX.formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time equality of two hex hashes. */
    public static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
