package realtime.gateway.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The OpenAI-compatible surface against the packaged jar. */
@QuarkusIntegrationTest
public class OpenAiCompatIT extends OpenAiCompatTest {
}
