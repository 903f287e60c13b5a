package realtime.gateway.export;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;
import realtime.gateway.event.Details;
import realtime.gateway.event.Wire;
import realtime.gateway.session.Transcript;

/**
 * OpenAI's {@code verbose_json} transcription shape: the text, the language, the audio's duration and one
 * segment per turn with {@code start}/{@code end} in seconds. Fields the gateway does not know (Whisper's
 * {@code seek}, {@code tokens}, {@code compression_ratio}) are left out rather than made up;
 * {@code avg_logprob} is there when the upstream sent log probabilities.
 */
@Wire
@RegisterForReflection
public record VerboseJson(String task, String language, Double duration, String text, List<Segment> segments) {

    /** One turn. */
    @Wire
    @RegisterForReflection
    public record Segment(int id, double start, double end, String text, String itemId, Double avgLogprob) {
    }

    /**
     * From a transcript's entries; {@code language} is the session's (null when it was not set), {@code audioMs}
     * the audio it received (null: up to the last turn's end).
     */
    public static VerboseJson of(String text, List<Transcript.Entry> entries, String language, Long audioMs) {
        List<Segment> segments = new ArrayList<>();
        long previousEnd = 0;
        for (Transcript.Entry e : entries) {
            if (e.text() == null || e.text().isBlank()) {
                continue; // a turn with nothing said (silence sent as a turn) is no segment
            }
            long start = e.audioStartMs() != null ? e.audioStartMs() : previousEnd;
            long end = e.audioEndMs() != null && e.audioEndMs() >= start ? e.audioEndMs() : start;
            segments.add(new Segment(segments.size(), start / 1000.0, end / 1000.0, e.text(), e.itemId(),
                    average(e.logprobs())));
            previousEnd = end;
        }
        long duration = audioMs != null ? Math.max(audioMs, previousEnd) : previousEnd;
        return new VerboseJson("transcribe", language, duration / 1000.0, text, segments);
    }

    private static Double average(List<Details.LogProb> logprobs) {
        if (logprobs == null || logprobs.isEmpty()) {
            return null;
        }
        double sum = 0;
        int n = 0;
        for (Details.LogProb p : logprobs) {
            if (p.logprob() != null) {
                sum += p.logprob();
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }
}
