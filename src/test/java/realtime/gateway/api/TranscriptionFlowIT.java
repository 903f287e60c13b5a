package realtime.gateway.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The main flow against the packaged jar (and the native binary with {@code -Dnative}). */
@QuarkusIntegrationTest
public class TranscriptionFlowIT extends TranscriptionFlowTest {
}
