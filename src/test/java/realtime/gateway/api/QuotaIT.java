package realtime.gateway.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Per-key quotas against the packaged jar (and the native binary with {@code -Dnative}). */
@QuarkusIntegrationTest
public class QuotaIT extends QuotaTest {
}
