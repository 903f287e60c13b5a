package realtime.gateway.vad;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The Silero VAD model (16 kHz, see {@code src/main/resources/vad/README.md}) run by ONNX Runtime: one
 * session for the process (its {@code run} is thread-safe, one thread per call), and per stream the
 * model's recurrent state and the last 64 samples of the previous window.
 */
public final class SileroModel implements SpeechModel {

    static final String RESOURCE = "/vad/silero_vad_16k_op15.onnx";
    private static final int RATE = 16000;
    private static final int WINDOW = 512;
    private static final int CONTEXT = 64;

    private final OrtEnvironment env;
    private final OrtSession session;

    /** Loads the model; fails when ONNX Runtime has no native library for this platform. */
    public SileroModel() {
        try (InputStream in = SileroModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the Silero VAD model " + RESOURCE + " is missing from the build");
            }
            byte[] model = in.readAllBytes();
            this.env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            // Windows are small: one thread per call is fastest, and sessions run on their own threads.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = env.createSession(model, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the Silero VAD model: " + e.getMessage(), e);
        }
    }

    @Override
    public int rate() {
        return RATE;
    }

    @Override
    public int window() {
        return WINDOW;
    }

    @Override
    public Stream open() {
        return new SileroStream();
    }

    private final class SileroStream implements Stream {
        private float[][][] state = new float[2][1][128];
        private final float[] input = new float[CONTEXT + WINDOW];

        @Override
        public float probability(float[] window) {
            System.arraycopy(window, 0, input, CONTEXT, WINDOW);
            try (OnnxTensor x = OnnxTensor.createTensor(env, new float[][] { input });
                    OnnxTensor s = OnnxTensor.createTensor(env, state);
                    OnnxTensor sr = OnnxTensor.createTensor(env, new long[] { RATE });
                    OrtSession.Result r = session.run(Map.of("input", x, "state", s, "sr", sr))) {
                float p = ((float[][]) r.get(0).getValue())[0][0];
                state = (float[][][]) r.get(1).getValue();
                System.arraycopy(input, WINDOW, input, 0, CONTEXT);
                return p;
            } catch (OrtException e) {
                throw new IllegalStateException("Silero VAD failed on a window: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            // the state is plain Java arrays
        }
    }
}
