package realtime.gateway.audio;

/** Audio that cannot be used, with a message that tells the caller what to fix. */
public class AudioFormatException extends RuntimeException {

    public AudioFormatException(String message) {
        super(message);
    }
}
