package realtime.gateway.export;

import java.util.ArrayList;
import java.util.List;

import realtime.gateway.session.Transcript;

/**
 * Subtitle cues from transcript turns, as subtitle conventions ask: at most two lines of about
 * {@value #LINE} characters and at most {@value #MAX_CUE_MS} ms on screen. A turn longer than that is split at
 * word boundaries and its time shared among its cues by their length; a turn without VAD times follows the
 * one before, on screen for as long as reading it takes at {@value #CHARS_PER_SECOND} characters a second.
 */
public final class Cues {

    /** Characters per line. */
    public static final int LINE = 42;
    /** Lines per cue. */
    public static final int LINES = 2;
    public static final long MAX_CUE_MS = 7000;
    static final int CHARS_PER_SECOND = 15;
    static final long MIN_CUE_MS = 700;

    /** One cue: its lines and its time on screen, in ms from the start of the session's audio. */
    public record Cue(long startMs, long endMs, List<String> lines) {
        public String text() {
            return String.join("\n", lines);
        }
    }

    private Cues() {
    }

    public static List<Cue> of(List<Transcript.Entry> entries) {
        List<Cue> out = new ArrayList<>();
        long previousEnd = 0;
        for (Transcript.Entry e : entries) {
            String text = e.text() == null ? "" : e.text().strip().replaceAll("\\s+", " ");
            if (text.isEmpty()) {
                continue;
            }
            List<List<String>> groups = groups(lines(text));
            long start = e.audioStartMs() != null ? Math.max(e.audioStartMs(), previousEnd) : previousEnd;
            long end = e.audioEndMs() != null && e.audioEndMs() > start ? e.audioEndMs()
                    : start + Math.max(MIN_CUE_MS, text.length() * 1000L / CHARS_PER_SECOND);
            int chars = 0;
            for (List<String> g : groups) {
                chars += length(g);
            }
            long at = start;
            int done = 0;
            for (List<String> g : groups) {
                done += length(g);
                long share = start + (end - start) * done / chars;
                long cueEnd = Math.min(Math.max(share, at + 1), at + MAX_CUE_MS);
                out.add(new Cue(at, cueEnd, g));
                at = Math.max(share, cueEnd);
            }
            previousEnd = out.get(out.size() - 1).endMs();
        }
        return out;
    }

    /** The text in lines of at most {@link #LINE} characters (a longer word gets a line of its own). */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > LINE) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static List<List<String>> groups(List<String> lines) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += LINES) {
            out.add(List.copyOf(lines.subList(i, Math.min(lines.size(), i + LINES))));
        }
        return out;
    }

    private static int length(List<String> lines) {
        int n = 0;
        for (String l : lines) {
            n += l.length();
        }
        return Math.max(1, n);
    }
}
