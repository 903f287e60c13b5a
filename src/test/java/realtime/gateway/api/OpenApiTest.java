package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.anonymous;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.ext.web.Router;
import realtime.gateway.testing.Endpoints;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * The OpenAPI document at {@code /q/openapi} is valid (read by swagger-parser, a real OpenAPI 3 validator),
 * lists every REST endpoint the application has (read from the application itself), each with a summary
 * and OpenAI's error shape, and declares both credentials.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class OpenApiTest {

    @Inject
    Router router;

    @Test
    public void theDocumentIsValidAndDescribesEveryRestEndpoint() throws Exception {
        String json = anonymous().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString();
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json);
        assertEquals(List.of(), parsed.getMessages(), "no validation messages");
        OpenAPI api = parsed.getOpenAPI();
        assertNotNull(api);
        assertEquals("Realtime Gateway", api.getInfo().getTitle());
        assertTrue(api.getComponents().getSecuritySchemes().containsKey("apiKey"));
        assertTrue(api.getComponents().getSecuritySchemes().containsKey("sessionToken"));

        var snapshot = api.getComponents().getSchemas().get("SessionSnapshot");
        assertNotNull(snapshot, "the session view has a schema");
        assertTrue(snapshot.getProperties().containsKey("created_at") && !snapshot.getProperties().containsKey("createdAt"),
                "property names as on the wire: " + snapshot.getProperties().keySet());

        List<String> missing = new ArrayList<>();
        for (Endpoints.Endpoint e : Endpoints.all(router)) {
            if (e.webSocket()) {
                continue;
            }
            PathItem item = api.getPaths() == null ? null : api.getPaths().get(e.path());
            Operation op = item == null ? null : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(e.method()
                    .toUpperCase(Locale.ROOT)));
            if (op == null) {
                missing.add(e.toString());
                continue;
            }
            assertTrue(op.getSummary() != null && !op.getSummary().isBlank(), e + " has a summary");
            assertTrue(op.getResponses().containsKey("401") && op.getResponses().containsKey("400"),
                    e + " documents the error shape");
        }
        assertEquals(List.of(), missing, "every REST endpoint is in the document");
    }
}
