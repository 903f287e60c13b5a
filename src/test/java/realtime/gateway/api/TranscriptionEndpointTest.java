package realtime.gateway.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static realtime.gateway.testing.Api.as;
import static realtime.gateway.testing.Api.given;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import realtime.gateway.audio.Pcm;
import realtime.gateway.testing.TestAudio;
import realtime.gateway.testing.TestKeys;
import realtime.gateway.upstream.FakeRealtimeServer;
import realtime.gateway.upstream.FakeUpstreamResource;

/**
 * {@code POST /v1/audio/transcriptions} as OpenAI's SDKs send it (multipart), against the fake upstream: every
 * response format, streaming, the session it leaves behind, and the errors a caller gets for bad input.
 */
@QuarkusTest
@QuarkusTestResource(FakeUpstreamResource.class)
public class TranscriptionEndpointTest {

    static final ObjectMapper JSON = new ObjectMapper();

    FakeRealtimeServer fake() {
        return FakeUpstreamResource.server();
    }

    @AfterEach
    void reset() {
        fake().reset();
    }

    /**
     * Two turns of tone, each followed by silence: the fake's VAD cuts two turns, and the request's final commit
     * sends the trailing silence as a third, which a real upstream (and the fake, scripted so) transcribes as "".
     */
    static byte[] twoTurns() {
        return TestAudio.wav(TestAudio.toneAndSilence(16000, 900, 800, 600, 900));
    }

    /** The fake's texts for the next request's turns (its count restarts: whether the silence after the last turn is
     * sent as a turn of its own depends on timing, so each request starts the cycle afresh). */
    void turns() {
        fake().transcripts(List.of("first turn.", "second turn.", ""));
    }

    static RequestSpecification upload(String key, byte[] file, String name) {
        return as(key).multiPart("file", name, file, "application/octet-stream");
    }

    @Test
    void jsonIsTheTextOfEveryTurnInOrderWithUsage() {
        fake().transcripts(List.of("first turn.", "second turn.", ""));
        JsonPath r = upload(TestKeys.TENANT_A, twoTurns(), "speech.wav").multiPart("model", "gpt-4o-mini-transcribe")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().jsonPath();
        assertEquals("first turn. second turn.", r.getString("text"));
        assertEquals("tokens", r.getString("usage.type"));
        assertTrue(r.getInt("usage.total_tokens") > 0);
        // The session it ran on is the caller's, closed, with the same transcript.
        JsonPath list = as(TestKeys.TENANT_A).get("/v1/sessions?limit=1").then().statusCode(200).extract().jsonPath();
        String id = list.getString("data[0].id");
        assertEquals("closed", list.getString("data[0].state"));
        assertEquals("tenant-a", list.getString("data[0].owner"));
        as(TestKeys.TENANT_A).get("/v1/sessions/" + id + "/transcript").then().body("text",
                equalTo("first turn. second turn."));
    }

    @Test
    void everyResponseFormat() {
        turns();
        upload(TestKeys.TENANT_A, twoTurns(), "a.wav").multiPart("model", "whisper-1").multiPart("response_format", "text")
                .post("/v1/audio/transcriptions").then().statusCode(200).contentType(containsString("text/plain"))
                .body(equalTo("first turn. second turn.\n"));
        turns();
        String srt = upload(TestKeys.TENANT_A, twoTurns(), "a.wav").multiPart("model", "whisper-1")
                .multiPart("response_format", "srt").post("/v1/audio/transcriptions").then().statusCode(200).extract()
                .asString();
        assertTrue(srt.startsWith("1\n00:00:0"), srt);
        assertTrue(srt.contains("\n\n2\n00:00:0"), srt);
        turns();
        String vtt = upload(TestKeys.TENANT_A, twoTurns(), "a.wav").multiPart("model", "whisper-1")
                .multiPart("response_format", "vtt").post("/v1/audio/transcriptions").then().statusCode(200).extract()
                .asString();
        assertTrue(vtt.startsWith("WEBVTT\n\n00:00:0"), vtt);
        turns();
        JsonPath verbose = upload(TestKeys.TENANT_A, twoTurns(), "a.wav").multiPart("model", "whisper-1")
                .multiPart("language", "en").multiPart("response_format", "verbose_json")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().jsonPath();
        assertEquals("transcribe", verbose.getString("task"));
        assertEquals("en", verbose.getString("language"));
        assertEquals(3.2, verbose.getDouble("duration"), 0.01);
        assertEquals(2, verbose.getList("segments").size());
        assertTrue(verbose.getFloat("segments[0].start") < verbose.getFloat("segments[0].end"));
        assertTrue(verbose.getFloat("segments[0].end") <= verbose.getFloat("segments[1].start"));
        assertEquals("second turn.", verbose.getString("segments[1].text"));
    }

    @Test
    void streamSendsDeltasThenTheWholeText() throws Exception {
        fake().transcripts(List.of("first turn here", "and the second", ""));
        String body = upload(TestKeys.TENANT_A, twoTurns(), "a.wav").multiPart("model", "gpt-4o-mini-transcribe")
                .multiPart("stream", "true").post("/v1/audio/transcriptions").then().statusCode(200)
                .contentType(containsString("text/event-stream")).extract().asString();
        List<JsonNode> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            assertTrue(block.startsWith("data: "), block);
            events.add(JSON.readTree(block.substring(6)));
        }
        JsonNode done = events.get(events.size() - 1);
        assertEquals("transcript.text.done", done.path("type").asText());
        assertEquals("first turn here and the second", done.path("text").asText());
        StringBuilder deltas = new StringBuilder();
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            assertEquals("transcript.text.delta", e.path("type").asText());
            deltas.append(e.path("delta").asText());
        }
        assertEquals(done.path("text").asText(), deltas.toString());
    }

    @Test
    void aiffIsReadThroughTheJdk() throws Exception {
        fake().transcripts(List.of("hello world", ""));
        Pcm pcm = TestAudio.toneAndSilence(22050, 900, 900);
        byte[] le = pcm.toLittleEndian();
        javax.sound.sampled.AudioFormat f = new javax.sound.sampled.AudioFormat(22050, 16, 1, true, false);
        ByteArrayOutputStream aiff = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(le), f, pcm.samples().length),
                AudioFileFormat.Type.AIFF, aiff);
        upload(TestKeys.TENANT_A, aiff.toByteArray(), "a.aiff").multiPart("model", "whisper-1")
                .post("/v1/audio/transcriptions").then().statusCode(200).body("text", equalTo("hello world"));
    }

    @Test
    void badInputGetsA400NamingTheField() {
        given().multiPart("model", "whisper-1").post("/v1/audio/transcriptions").then().statusCode(400)
                .body("error.param", equalTo("file"));
        upload(TestKeys.ADMIN, twoTurns(), "a.wav").post("/v1/audio/transcriptions").then().statusCode(400)
                .body("error.param", equalTo("model"));
        upload(TestKeys.ADMIN, twoTurns(), "a.wav").multiPart("model", "whisper-1").multiPart("response_format", "docx")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.param", equalTo("response_format"));
        upload(TestKeys.ADMIN, twoTurns(), "a.wav").multiPart("model", "whisper-1").multiPart("temperature", "hot")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.param", equalTo("temperature"));
        upload(TestKeys.ADMIN, twoTurns(), "a.wav").multiPart("model", "whisper-1").multiPart("stream", "yes")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.param", equalTo("stream"));
        byte[] mp3 = { 'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 1, 2, 3 };
        upload(TestKeys.ADMIN, mp3, "talk.mp3").multiPart("model", "whisper-1").post("/v1/audio/transcriptions").then()
                .statusCode(400).body("error.param", equalTo("file")).body("error.message", containsString("WAV"));
        upload(TestKeys.ADMIN, new byte[0], "empty.wav").multiPart("model", "whisper-1").post("/v1/audio/transcriptions")
                .then().statusCode(400).body("error.param", equalTo("file"));
        // A refused file leaves no open session behind.
        given().get("/v1/sessions?limit=5").then().statusCode(200).body("data.state",
                org.hamcrest.Matchers.not(hasItem("active")));
        // Without a credential, 401 as everywhere.
        realtime.gateway.testing.Api.anonymous().multiPart("model", "whisper-1").post("/v1/audio/transcriptions").then()
                .statusCode(401);
    }
}
