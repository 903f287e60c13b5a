package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.anonymous;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.ext.web.Router;
import realtime.gateway.event.ClientEvent;
import realtime.gateway.session.GatewayEvent;
import realtime.gateway.session.GatewayReplay;
import realtime.gateway.session.GatewayUpstreamEvent;
import realtime.gateway.testing.Endpoints;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * {@code /asyncapi.yaml} (served without a credential) is an AsyncAPI 3 document that names every socket the
 * application serves (read from the application itself), every gateway event type the code defines and every
 * client event a transcription session takes, and whose references all resolve.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class AsyncApiTest {

    @Inject
    Router router;

    @Test
    public void theDocumentNamesEverySocketAndEveryGatewayEvent() throws Exception {
        String yaml = anonymous().get("/asyncapi.yaml").then().statusCode(200).extract().asString();
        JsonNode doc = new YAMLMapper().readTree(yaml);
        assertEquals("3.0.0", doc.path("asyncapi").asText());

        Set<String> addresses = new HashSet<>();
        doc.path("channels").forEach(c -> addresses.add(c.path("address").asText()));
        List<String> missing = new ArrayList<>();
        for (Endpoints.Endpoint e : Endpoints.all(router)) {
            if (e.webSocket() && !addresses.contains(e.path())) {
                missing.add(e.path());
            }
        }
        assertEquals(List.of(), missing, "every socket is a channel");

        Set<String> names = new HashSet<>();
        doc.path("components").path("messages").forEach(m -> names.add(m.path("name").asText()));
        for (String type : List.of(GatewayEvent.STATE, GatewayEvent.CLOSED, GatewayReplay.TYPE,
                GatewayUpstreamEvent.RECONNECTING, GatewayUpstreamEvent.RECONNECTED, GatewayUpstreamEvent.ROTATED,
                GatewayUpstreamEvent.ITEM_REPLACED, "gateway.transcription.partial", ClientEvent.SessionUpdate.TYPE,
                ClientEvent.TranscriptionSessionUpdate.TYPE, ClientEvent.InputAudioBufferAppend.TYPE,
                ClientEvent.InputAudioBufferCommit.TYPE, ClientEvent.InputAudioBufferClear.TYPE)) {
            assertTrue(names.contains(type), type + " is described");
        }

        // Every $ref points at something in the document.
        List<String> dangling = new ArrayList<>();
        refs(doc, doc, dangling);
        assertEquals(List.of(), dangling);
    }

    private static void refs(JsonNode root, JsonNode node, List<String> dangling) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                String pointer = ref.asText().replaceFirst("^#", "");
                if (root.at(pointer).isMissingNode()) {
                    dangling.add(ref.asText());
                }
            }
            node.forEach(child -> refs(root, child, dangling));
        } else if (node.isArray()) {
            node.forEach(child -> refs(root, child, dangling));
        }
    }
}
