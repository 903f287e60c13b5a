package realtime.gateway.upstream.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.MemorySize;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;
import realtime.gateway.config.GatewayConfig;

/**
 * The local engine's recognizer pool on its own (no gateway around it): it grows when more turns are spoken at
 * once than it holds, turns share it correctly once it is at its largest, the extra recognizers are closed
 * when idle, and a recognizer that has decoded its share of audio is replaced by one that still transcribes.
 */
public class LocalEnginePoolTest {

    private static final String GOFORWARD = "go forward ten meters";

    private LocalEngine engine;

    private static GatewayConfig.Local config(int pool, int max, Duration idle, Duration recycle) {
        return config(pool, max, idle, recycle, 0);
    }

    private static GatewayConfig.Local config(int pool, int max, Duration idle, Duration recycle, long memoryLimit) {
        return new GatewayConfig.Local() {
            @Override
            public int poolSize() {
                return pool;
            }

            @Override
            public int maxPoolSize() {
                return max;
            }

            @Override
            public Duration poolIdleTimeout() {
                return idle;
            }

            @Override
            public Duration recycleAfter() {
                return recycle;
            }

            @Override
            public Optional<MemorySize> poolMemoryLimit() {
                return Optional.of(new MemorySize(BigInteger.valueOf(memoryLimit)));
            }

            @Override
            public Optional<String> modelDir() {
                return Optional.empty();
            }
        };
    }

    private void start(GatewayConfig.Local config) {
        engine = new LocalEngine(config);
        engine.start();
        Awaitility.await("the engine ready").atMost(Duration.ofSeconds(60)).until(engine::ready);
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    private static short[] goforward() throws Exception {
        try (InputStream in = LocalEnginePoolTest.class.getResourceAsStream("/audio/goforward.wav")) {
            return Wav.parse(in.readAllBytes()).monoAt(Pcm.UPSTREAM_RATE).samples();
        }
    }

    /** A turn's final words, as one string. */
    private static final class Final implements Turn.Results {
        final CompletableFuture<String> text = new CompletableFuture<>();

        @Override
        public void partial(List<Turn.Word> words, long audioMs) {
        }

        @Override
        public void done(List<Turn.Word> words, long audioMs) {
            text.complete(words.stream().map(Turn.Word::word).collect(Collectors.joining(" ")));
        }

        @Override
        public void failed(Throwable error) {
            text.completeExceptionally(error);
        }

        /** The final text, once it has come. */
        String said() throws Exception {
            return text.get(60, TimeUnit.SECONDS);
        }
    }

    private static void eachSaysGoforward(List<Final> finals) throws Exception {
        for (Final f : finals) {
            assertEquals(GOFORWARD, f.said());
        }
    }

    /** Starts {@code n} turns at once, each fed the utterance and asked for a partial, so each wants a recognizer. */
    private List<Final> speakAtOnce(int n, short[] audio) {
        List<Turn> turns = new ArrayList<>();
        List<Final> finals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Final f = new Final();
            Turn t = engine.turn(f);
            t.append(audio, 0, audio.length / 2);
            t.requestPartial();
            turns.add(t);
            finals.add(f);
        }
        for (Turn t : turns) {
            t.append(audio, audio.length / 2, audio.length - audio.length / 2);
            t.end();
        }
        return finals;
    }

    @Test
    public void turnsSpokenAtOnceGetRecognizersOfTheirOwnAndTheExtraOnesCloseWhenIdle() throws Exception {
        start(config(1, 3, Duration.ofMillis(300), Duration.ZERO));
        assertEquals(1, engine.size());
        short[] audio = goforward();

        List<Final> finals = speakAtOnce(3, audio);

        assertEquals(3, engine.size(), "one recognizer per turn being spoken");
        eachSaysGoforward(finals);
        Awaitility.await("the pool back to its size").atMost(Duration.ofSeconds(10)).until(() -> engine.size() == 1);
        assertEquals(GOFORWARD, speakAtOnce(1, audio).get(0).said(),
                "the recognizer kept still transcribes");
    }

    @Test
    public void atItsLargestThePoolIsSharedAndEveryTurnStillGetsItsOwnText() throws Exception {
        start(config(1, 2, Duration.ofMinutes(2), Duration.ZERO));
        short[] audio = goforward();

        List<Final> finals = speakAtOnce(5, audio);

        assertEquals(2, engine.size());
        eachSaysGoforward(finals);
    }

    @Test
    public void aTurnSpokenWhileTheEngineIsStillLoadingIsTranscribedOnceItIsReady() throws Exception {
        short[] audio = goforward();
        engine = new LocalEngine(config(1, 2, Duration.ofMinutes(2), Duration.ZERO));
        engine.start();
        assertFalse(engine.ready(), "loading the model takes longer than this");

        List<Final> finals = speakAtOnce(1, audio);

        assertEquals(GOFORWARD, finals.get(0).said());
    }

    @Test
    public void aboveItsMemoryLimitThePoolDoesNotGrowAndTurnsShareIt() throws Exception {
        start(config(1, 3, Duration.ofMinutes(2), Duration.ZERO, 1)); // one byte: always above
        short[] audio = goforward();

        List<Final> finals = speakAtOnce(3, audio);

        assertEquals(1, engine.size());
        eachSaysGoforward(finals);
    }

    @Test
    public void aRecognizerThatHasDecodedItsShareIsReplacedByOneThatStillTranscribes() throws Exception {
        start(config(1, 1, Duration.ofMinutes(2), Duration.ofSeconds(1)));
        short[] audio = goforward();

        assertEquals(GOFORWARD, speakAtOnce(1, audio).get(0).said());
        Awaitility.await("the recognizer replaced").atMost(Duration.ofSeconds(30)).until(() -> engine.recycled() == 1);
        assertEquals(GOFORWARD, speakAtOnce(1, audio).get(0).said());
        assertEquals(1, engine.size());
    }
}
