package realtime.gateway.testing;

import java.util.Map;

import realtime.gateway.event.Hashes;

/**
 * The API keys every test runs with (made up for tests, valid nowhere else), and the
 * {@code gateway.auth.keys} value that configures them. The quota keys each have one small limit, so a
 * quota test uses its own key and cannot disturb another test.
 */
public final class TestKeys {

    public static final String ADMIN = "test-admin-key-not-real-0000000000000000";
    public static final String TENANT_A = "test-tenant-a-key-not-real-000000000000";
    public static final String TENANT_B = "test-tenant-b-key-not-real-000000000000";
    public static final String MAX_SESSIONS_2 = "test-quota-sessions-key-not-real-0000000";
    public static final String CREATES_3_PER_MINUTE = "test-quota-creates-key-not-real-00000000";
    public static final String AUDIO_3_SECONDS = "test-quota-audio-key-not-real-000000000";
    public static final String DURATION_3_SECONDS = "test-quota-duration-key-not-real-0000000";
    public static final String USAGE = "test-usage-key-not-real-0000000000000000";

    private TestKeys() {
    }

    /** {@code gateway.auth.keys}; tenant-b is given as a hash, to cover that form. */
    public static String spec() {
        return String.join(";",
                "name=test-admin,role=admin,key=" + ADMIN + ",creates-per-minute=100000,max-sessions=100000",
                "name=tenant-a,role=client,key=" + TENANT_A,
                "name=tenant-b,key-sha256=" + Hashes.sha256(TENANT_B),
                "name=quota-sessions,key=" + MAX_SESSIONS_2 + ",max-sessions=2",
                "name=quota-creates,key=" + CREATES_3_PER_MINUTE + ",creates-per-minute=3",
                "name=quota-audio,key=" + AUDIO_3_SECONDS + ",audio-seconds-per-day=3",
                "name=quota-duration,key=" + DURATION_3_SECONDS + ",max-session-duration=3s",
                "name=usage,key=" + USAGE);
    }

    public static Map<String, String> config() {
        return Map.of("gateway.auth.keys", spec());
    }

    public static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }
}
