package realtime.gateway.vad;

import org.jboss.logging.Logger;

/** The best speech model this process can run: Silero where ONNX Runtime works, else the energy measure. */
public final class SpeechModels {

    private static final Logger LOG = Logger.getLogger(SpeechModels.class);
    private static volatile SpeechModel best;

    private SpeechModels() {
    }

    /** Loads Silero once (about 2 MB, a few ms); falls back to {@link EnergyModel} and says why. */
    public static SpeechModel best() {
        SpeechModel m = best;
        if (m == null) {
            synchronized (SpeechModels.class) {
                if (best == null) {
                    best = load();
                }
                m = best;
            }
        }
        return m;
    }

    private static SpeechModel load() {
        if ("runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))) {
            LOG.info("voice activity detection: energy level (ONNX Runtime is not part of native builds)");
            return new EnergyModel();
        }
        try {
            SpeechModel m = new SileroModel();
            LOG.info("voice activity detection: Silero VAD (ONNX Runtime)");
            return m;
        } catch (RuntimeException | LinkageError e) {
            LOG.warnf("voice activity detection: energy level, because Silero VAD could not load here: %s", e.toString());
            return new EnergyModel();
        }
    }
}
