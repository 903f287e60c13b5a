package realtime.gateway.export;

import java.util.List;
import java.util.Locale;

/** SubRip (SRT) and WebVTT files from {@link Cues}. */
public final class Subtitles {

    private Subtitles() {
    }

    /** SubRip: numbered cues, {@code HH:MM:SS,mmm --> HH:MM:SS,mmm}, a blank line after each. */
    public static String srt(List<Cues.Cue> cues) {
        StringBuilder sb = new StringBuilder();
        int n = 1;
        for (Cues.Cue c : cues) {
            sb.append(n++).append('\n').append(time(c.startMs(), ',')).append(" --> ").append(time(c.endMs(), ','))
                    .append('\n');
            for (String line : c.lines()) {
                // An arrow in the text would read as a timing line to some parsers.
                sb.append(line.replace("-->", "->")).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** WebVTT: the {@code WEBVTT} header, then cues with {@code HH:MM:SS.mmm} times; text escaped (&amp;, &lt;, &gt;). */
    public static String vtt(List<Cues.Cue> cues) {
        StringBuilder sb = new StringBuilder("WEBVTT\n\n");
        for (Cues.Cue c : cues) {
            sb.append(time(c.startMs(), '.')).append(" --> ").append(time(c.endMs(), '.')).append('\n');
            for (String line : c.lines()) {
                sb.append(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String time(long ms, char decimal) {
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        long s = ms / 1000 % 60;
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", h, m, s, decimal, ms % 1000);
    }
}
