package realtime.gateway.bench;

import java.util.Base64;

import realtime.gateway.event.RealtimeCodec;
import realtime.gateway.event.ServerEvent;

/**
 * Decode throughput of the codec on one thread: a GA transcription delta and a 1 MiB audio delta.
 * Not a test; run with {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=realtime.gateway.bench.CodecThroughput}. Prints frames per second.
 */
public final class CodecThroughput {

    private CodecThroughput() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        RealtimeCodec codec = new RealtimeCodec();
        String delta = "{\"type\":\"conversation.item.input_audio_transcription.delta\",\"event_id\":"
                + "\"event_hYstYoFf47loKg9ZoemWj\",\"item_id\":\"item_C1lvJ7pWuH2SA0rxIOwAO\",\"content_index\":0,"
                + "\"delta\":\" Thursday\",\"obfuscation\":\"q3ZtF0kPa1x\"}";
        byte[] audio = new byte[1 << 20];
        new java.util.Random(1).nextBytes(audio);
        String big = "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\","
                + "\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\""
                + Base64.getEncoder().encodeToString(audio) + "\"}";
        System.out.printf("codec decode throughput, 1 thread, %.0f s per case after %.0f s warm-up%n", seconds,
                seconds / 2);
        report("transcription delta (" + delta.length() + " B)", codec, delta, seconds);
        report("audio delta 1 MiB (" + big.length() / 1024 + " KiB of JSON)", codec, big, seconds);
    }

    private static void report(String name, RealtimeCodec codec, String frame, double seconds) {
        run(codec, frame, seconds / 2);
        long[] r = run(codec, frame, seconds);
        double fps = r[0] / (r[1] / 1e9);
        System.out.printf("  %-40s %,12.0f frames/s  %,10.1f MB/s%n", name, fps, fps * frame.length() / 1e6);
    }

    private static long[] run(RealtimeCodec codec, String frame, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long n = 0;
        long start = System.nanoTime();
        int sink = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 16; i++) {
                ServerEvent e = codec.decodeServer(frame);
                if (e instanceof ServerEvent.Malformed) {
                    throw new IllegalStateException(e.toString());
                }
                sink += e.type().length();
            }
            n += 16;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new long[] { n, System.nanoTime() - start };
    }
}
