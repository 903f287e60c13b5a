package realtime.gateway.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Usage accounting against the packaged jar (and the native binary with {@code -Dnative}). */
@QuarkusIntegrationTest
public class UsageIT extends UsageTest {
}
