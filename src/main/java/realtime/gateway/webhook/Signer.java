package realtime.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} and the base64 of HMAC-SHA256 over {@code id.timestamp.body}, keyed
 * with the bytes a {@code whsec_}-prefixed base64 secret stands for.
 */
public final class Signer {

    static final String PREFIX = "whsec_";
    private final byte[] key;

    /** @throws IllegalArgumentException saying what a valid secret looks like */
    public Signer(String secret) {
        String s = secret == null ? "" : secret.strip();
        if (!s.startsWith(PREFIX)) {
            throw new IllegalArgumentException("gateway.webhooks.secret must start with whsec_ followed by the base64 of "
                    + "24 to 64 random bytes (e.g. whsec_$(head -c 32 /dev/urandom | base64))");
        }
        try {
            key = Base64.getDecoder().decode(s.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gateway.webhooks.secret: the part after whsec_ is not base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("gateway.webhooks.secret holds " + key.length + " bytes; use 24 to 64");
        }
    }

    /** The {@code webhook-signature} header's value. */
    public String sign(String id, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
