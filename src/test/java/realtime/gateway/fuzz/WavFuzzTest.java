package realtime.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import realtime.gateway.audio.AudioFormatException;
import realtime.gateway.audio.Pcm;
import realtime.gateway.audio.Wav;
import realtime.gateway.testing.TestAudio;

/**
 * The WAV reader on hostile files: flipped bits, truncations, lying chunk sizes (negative, huge, odd), absurd
 * rates and channel counts, random bytes. It reads audio or refuses with an {@link AudioFormatException} (a 400
 * for the caller); never any other exception, never more memory than the file justifies.
 */
class WavFuzzTest {

    static final byte[] WAV = TestAudio.wav(TestAudio.toneAndSilence(16000, 60, 40));

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<byte[]> flipped = Arbitraries.integers().between(0, WAV.length * 8 - 1).list().ofMinSize(1).ofMaxSize(12)
                .map(bits -> {
                    byte[] b = WAV.clone();
                    bits.forEach(bit -> b[bit / 8] ^= (byte) (1 << (bit % 8)));
                    return b;
                });
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, WAV.length - 1).map(n -> Arrays.copyOf(WAV, n));
        // A header field (sizes, format, channels, rate, byte rate, block align, bits) set to an extreme value.
        Arbitrary<byte[]> lying = Combinators.combine(Arbitraries.of(4, 16, 20, 22, 24, 28, 32, 34, 40),
                Arbitraries.of(0, -1, 1, 3, 0x7fffffff, 0x80000000, 65535, 192001, 7999, 0xfffe))
                .as((offset, value) -> {
                    byte[] b = WAV.clone();
                    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    if (offset == 20 || offset == 22 || offset == 32 || offset == 34) {
                        buf.putShort(offset, (short) (int) value);
                    } else {
                        buf.putInt(offset, value);
                    }
                    return b;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(256).map(b -> {
            if (b.length >= 12) { // a plausible start, so the reader gets past the magic
                System.arraycopy(WAV, 0, b, 0, 12);
            }
            return b;
        });
        return Arbitraries.oneOf(flipped, truncated, lying, random);
    }

    @Property(tries = 3000, seed = "20261202")
    void readsOrRefusesWithAnAudioFormatException(@ForAll("files") byte[] file) {
        try {
            Pcm pcm = Wav.parse(file);
            assertTrue((long) pcm.samples().length * 2 <= file.length, "no more samples than the file holds");
        } catch (AudioFormatException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
        }
    }
}
