package realtime.gateway.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import realtime.gateway.session.Transcript;

/**
 * Subtitle conventions on real-length turns: two lines of about 42 characters, at most 7 s a cue, in order and
 * never overlapping; SRT and WebVTT read back to the same cues and words.
 */
class CuesTest {

    static Transcript.Entry entry(String text, Long start, Long end) {
        return new Transcript.Entry("item_" + text.hashCode(), text, start, end, null, null);
    }

    static final String LONG = "Chapter one of the book begins with a long description of the town, its river, its "
            + "two bridges and the people who crossed them every morning on their way to the market square";

    static final List<Transcript.Entry> TURNS = List.of(entry("Hello there.", 400L, 1300L),
            entry(LONG, 2000L, 26_000L), entry("No times for this one, but 5 < 6 & 7 > 3 --> so.", null, null),
            entry("   ", 30_000L, 31_000L), entry("Last words.", 40_000L, 41_200L));

    @Test
    void cuesKeepTheConventions() {
        List<Cues.Cue> cues = Cues.of(TURNS);
        long previousEnd = 0;
        StringBuilder words = new StringBuilder();
        for (Cues.Cue c : cues) {
            assertTrue(c.lines().size() >= 1 && c.lines().size() <= Cues.LINES, c.toString());
            for (String line : c.lines()) {
                assertTrue(line.length() <= Cues.LINE, line);
            }
            assertTrue(c.endMs() - c.startMs() <= Cues.MAX_CUE_MS, c.toString());
            assertTrue(c.endMs() > c.startMs(), c.toString());
            assertTrue(c.startMs() >= previousEnd, "cues in order, never overlapping: " + c);
            previousEnd = c.endMs();
            words.append(' ').append(String.join(" ", c.lines()));
        }
        assertEquals(String.join(" ", TURNS.stream().map(e -> e.text().strip()).filter(t -> !t.isEmpty()).toList()),
                words.toString().strip());
        assertEquals(400, cues.get(0).startMs());
        assertEquals(1300, cues.get(0).endMs());
        assertEquals(3, cues.stream().filter(c -> c.startMs() >= 2000 && c.endMs() <= 26_000).count(),
                "the long turn's five lines make three cues");
        assertEquals(41_200, cues.get(cues.size() - 1).endMs());
    }

    static final Pattern SRT_CUE = Pattern.compile(
            "(\\d+)\\n(\\d\\d):(\\d\\d):(\\d\\d),(\\d\\d\\d) --> (\\d\\d):(\\d\\d):(\\d\\d),(\\d\\d\\d)\\n((?:[^\\n]+\\n)+)\\n");

    @Test
    void srtIsNumberedCuesWithCommaTimes() {
        List<Cues.Cue> cues = Cues.of(TURNS);
        String srt = Subtitles.srt(cues);
        Matcher m = SRT_CUE.matcher(srt);
        List<Cues.Cue> read = new ArrayList<>();
        int at = 0;
        while (m.find() && m.start() == at) {
            assertEquals(read.size() + 1, Integer.parseInt(m.group(1)));
            read.add(new Cues.Cue(ms(m, 2), ms(m, 6), List.of(m.group(10).split("\\n"))));
            at = m.end();
        }
        assertEquals(srt.length(), at, "the whole file is cues");
        assertEquals(cues.size(), read.size());
        for (int i = 0; i < cues.size(); i++) {
            assertEquals(cues.get(i).startMs(), read.get(i).startMs());
            assertEquals(cues.get(i).endMs(), read.get(i).endMs());
            assertEquals(String.join(" ", cues.get(i).lines()).replace("-->", "->"), String.join(" ", read.get(i).lines()));
        }
    }

    @Test
    void vttHasItsHeaderDotTimesAndEscapedText() {
        String vtt = Subtitles.vtt(Cues.of(TURNS));
        assertTrue(vtt.startsWith("WEBVTT\n\n"));
        assertTrue(vtt.contains("00:00:00.400 --> 00:00:01.300\nHello there.\n\n"), vtt);
        assertTrue(vtt.contains("5 &lt; 6 &amp; 7 &gt; 3\n--&gt; so."), vtt);
        assertEquals(Cues.of(TURNS).size(), vtt.split(" --> ", -1).length - 1);
    }

    @Test
    void timesPastAnHour() {
        assertEquals("01:02:03,004", Subtitles.time(3_723_004, ','));
        assertEquals("00:00:00.000", Subtitles.time(0, '.'));
    }

    static long ms(Matcher m, int g) {
        return ((Long.parseLong(m.group(g)) * 60 + Long.parseLong(m.group(g + 1))) * 60 + Long.parseLong(m.group(g + 2)))
                * 1000 + Long.parseLong(m.group(g + 3));
    }
}
