package realtime.gateway.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** REST requests to the application under test, as the admin key unless a test says otherwise. */
public final class Api {

    private Api() {
    }

    /** A request with the test admin key. */
    public static RequestSpecification given() {
        return as(TestKeys.ADMIN);
    }

    /** A request with {@code key} as its Bearer credential. */
    public static RequestSpecification as(String key) {
        return RestAssured.given().header("Authorization", "Bearer " + key);
    }

    /**
     * A request with no credential to the management port, where {@code /q/health/*} and {@code /q/metrics} are: the
     * port Quarkus bound for this test run ({@code quarkus.management.test-port=0} picks a free one), or the one a
     * packaged jar was started with ({@link #managementPort}).
     */
    public static RequestSpecification management() {
        int port = managementPort > 0 ? managementPort
                : org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("quarkus.management.test-port", Integer.class);
        return RestAssured.given().port(port);
    }

    /** The management port of the packaged jar under test, when a test started one ({@code GatewayJar}). */
    public static volatile int managementPort;

    /** A request with no credential at all. */
    public static RequestSpecification anonymous() {
        return RestAssured.given();
    }
}
