package realtime.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import realtime.gateway.event.Hashes;

/** {@code gateway.auth.keys}: what parses, and errors that say what to fix without quoting a key. */
public class KeySpecsTest {

    static final Quota DEFAULTS = new Quota(100, Duration.ofHours(1), 360000, 60);
    static final String KEY = "k".repeat(32);

    @Test
    public void keysParseWithRolesQuotasAndHashes() {
        String hash = Hashes.sha256("another-secret-that-is-long-enough-000");
        List<ApiKey> keys = KeySpecs.parse("name=ops,role=admin,key=" + KEY + ";\n name=web.app-1, key-sha256="
                + hash.toUpperCase() + ", max-sessions=5, max-session-duration=90s, audio-seconds-per-day=7200,"
                + " creates-per-minute=10;", DEFAULTS);
        assertEquals(2, keys.size());
        assertEquals(new ApiKey("ops", Role.ADMIN, Hashes.sha256(KEY), DEFAULTS), keys.get(0));
        assertEquals(new ApiKey("web.app-1", Role.CLIENT, hash, new Quota(5, Duration.ofSeconds(90), 7200, 10)),
                keys.get(1));
        assertFalse(keys.get(0).toString().contains(Hashes.sha256(KEY)), "toString shows no hash");
    }

    @Test
    public void mistakesNameTheEntryAndAttributeAndNeverQuoteAKey() {
        String shortKey = "short-key-value";
        for (String[] c : new String[][] {
                { "role=admin,key=" + KEY, "entry 1: 'name' is required" },
                { "name=a,key=" + KEY + ";name=a,key=" + "x".repeat(32), "'a' is used by more than one key" },
                { "name=a,key=" + KEY + ";name=b,key=" + KEY, "key 'b' has the same secret" },
                { "name=a,role=root,key=" + KEY, "'role' must be admin or client" },
                { "name=a", "give exactly one of 'key' or 'key-sha256'" },
                { "name=a,key=" + shortKey, "'key' is 15 characters; use at least 32" },
                { "name=a,key-sha256=abc", "'key-sha256' must be 64 hex digits" },
                { "name=a,key=" + KEY + ",max-sessions=0", "'max-sessions' must be a positive whole number" },
                { "name=a,key=" + KEY + ",max-session-duration=soon", "'max-session-duration' must be a positive duration" },
                { "name=a,key=" + KEY + ",colour=blue", "'colour' is not an attribute" },
                { "name=a,key=" + KEY + ",webhook-url=ftp://files.example.com/x", "'webhook-url' must be an http or https URL" },
                { "name=a,key=" + KEY + ",webhook-url=not a url", "'webhook-url' must be an http or https URL" },
                { "name=a," + KEY, "a part has no '='" } }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeySpecs.parse(c[0], DEFAULTS),
                    c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains(KEY) || e.getMessage().contains(shortKey), e.getMessage());
        }
    }

    @Test
    public void aKeyMayHaveAWebhookOfItsOwn() {
        List<ApiKey> keys = KeySpecs.parse("name=a,key=" + KEY + ",webhook-url=https://hooks.example.com/gw?team=7", DEFAULTS);
        assertEquals("https://hooks.example.com/gw?team=7", keys.get(0).webhookUrl());
        assertEquals(null, KeySpecs.parse("name=a,key=" + KEY, DEFAULTS).get(0).webhookUrl());
    }
}
