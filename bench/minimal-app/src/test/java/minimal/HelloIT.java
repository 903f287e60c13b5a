package minimal;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Trains the AOT cache: start, answer, be ready. */
@QuarkusIntegrationTest
public class HelloIT {

    @Test
    public void answersAndIsReady() {
        given().get("/hello").then().statusCode(200).body(equalTo("hello"));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
