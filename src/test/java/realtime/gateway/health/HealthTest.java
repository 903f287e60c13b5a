package realtime.gateway.health;

import static realtime.gateway.testing.Api.management;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import realtime.gateway.upstream.FakeUpstreamResource;

/** The service starts and both health endpoints answer UP. */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class HealthTest {

    @Test
    public void liveIsUp() {
        management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    public void readyIsUpWithAKeyAndRoom() {
        management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks[0].data.provider_configured", equalTo(true));
    }
}
