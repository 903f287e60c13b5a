package realtime.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Word error rate against the reference transcripts of the test speech (see test resources' audio/README.md). */
public final class Wer {

    private Wer() {
    }

    /** Clip name → reference text, from {@code librivox.transcription}, in file order. */
    public static Map<String, String> references() {
        try (InputStream in = Wer.class.getResourceAsStream("/audio/librivox.transcription")) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int open = line.lastIndexOf('(');
                if (open > 0) {
                    String id = line.substring(open + 1, line.lastIndexOf(')'));
                    m.put(id, line.substring(0, open).replace("<s>", "").replace("</s>", "").strip());
                }
            }
            return m;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower case, punctuation removed, and the dictionary's abbreviations spelt out. */
    public static String[] normalise(String s) {
        String t = s.toLowerCase().replaceAll("[^a-z' ]", " ").replaceAll("\\bmr\\b", "mister")
                .replaceAll("\\bmrs\\b", "missus").strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    /** Word-level Levenshtein distance (substitutions + deletions + insertions). */
    public static int errors(String reference, String hypothesis) {
        String[] ref = normalise(reference);
        String[] hyp = normalise(hypothesis);
        int[] prev = new int[hyp.length + 1];
        int[] cur = new int[hyp.length + 1];
        for (int j = 0; j <= hyp.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= ref.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= hyp.length; j++) {
                int sub = prev[j - 1] + (ref[i - 1].equals(hyp[j - 1]) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[hyp.length];
    }

    public static int words(String reference) {
        return normalise(reference).length;
    }
}
