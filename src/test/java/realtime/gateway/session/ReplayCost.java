package realtime.gateway.session;

import java.util.Arrays;

/**
 * How long a resume of a full replay log holds a session's context (and so delays that session's live
 * frames; other sessions have contexts of their own): {@code after=0} against 2,000 logged frames, handed to
 * a subscriber whose transport takes each write at once. Also the heap the full log holds per session.
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=realtime.gateway.session.ReplayCost}
 */
public final class ReplayCost {

    public static void main(String[] args) {
        String delta = "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":\"event_b123456789\","
                + "\"item_id\":\"item_abcdefghijklmnopqrstu\",\"content_index\":0,\"delta\":\" words\",\"obfuscation\":\"q3ZtF0kPa1x\"}";
        // 50 sessions with full logs, to measure what a log holds above the noise of the heap.
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        SessionHub[] hubs = new SessionHub[50];
        for (int h = 0; h < hubs.length; h++) {
            hubs[h] = new SessionHub(System::currentTimeMillis, new SessionHub.ReplayLimits(2000, 300_000));
            for (int i = 0; i < 2000; i++) {
                hubs[h].publish("conversation.item.input_audio_transcription.delta", new String(delta.toCharArray()),
                        false);
            }
        }
        System.gc();
        long after = (memory.getHeapMemoryUsage().getUsed() - before) / hubs.length + before;
        SessionHub hub = hubs[0];
        long[] ns = new long[500];
        for (int round = 0; round < 1000 + ns.length; round++) {
            Subscriber s = new Subscriber("bench", TypeFilter.ALL, false, true, 1024) {
                @Override
                protected void send(Frame frame, String text, Runnable written) {
                    written.run();
                }

                @Override
                protected void closeTransport(int code, String reason) {
                }
            };
            long t0 = System.nanoTime();
            hub.resume(s, 0, false, (from, to, recovered) -> "{\"type\":\"gateway.replay\"}");
            long t = System.nanoTime() - t0;
            if (round >= 1000) {
                ns[round - 1000] = t;
            }
        }
        Arrays.sort(ns);
        System.out.printf("resume of %d frames holds the session for p50 %.3f ms, p99 %.3f ms (transport cost excluded)%n",
                hub.logged(), ns[ns.length / 2] / 1e6, ns[ns.length * 99 / 100] / 1e6);
        System.out.printf("full log of %d delta frames: about %d KiB of heap per session%n", hub.logged(),
                Math.max(0, after - before) / 1024);
        System.out.printf("RESULT replay frames=%d p50_ms=%.3f p99_ms=%.3f log_kib=%d%n", hub.logged(),
                ns[ns.length / 2] / 1e6, ns[ns.length * 99 / 100] / 1e6, Math.max(0, after - before) / 1024);
    }
}
