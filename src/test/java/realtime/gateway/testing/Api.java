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

    /** A request with no credential at all. */
    public static RequestSpecification anonymous() {
        return RestAssured.given();
    }
}
