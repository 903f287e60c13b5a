package realtime.gateway.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import realtime.gateway.audio.AudioFormat;
import realtime.gateway.audio.Pcm;
import realtime.gateway.session.Refusal;
import realtime.gateway.testing.TestAudio;

/** Uploads are resampled at most once, by whoever needs it, and refused clearly when they are not audio. */
public class AudioUploadsTest {

    final Pcm speech16k = TestAudio.toneAndSilence(16000, 300, 200, 300);

    @Test
    public void a16kHzWavGoesAsItIsToAnUpstreamThatTakesThatRate() {
        AudioUploads.Upload up = AudioUploads.forSession("audio/wav", TestAudio.wav(speech16k), AudioFormat.PCM16_24K,
                rate -> true);
        assertEquals(new AudioFormat(AudioFormat.Encoding.PCM16, 16000), up.format());
        assertArrayEquals(speech16k.toLittleEndian(), up.data(), "the samples, untouched");
    }

    @Test
    public void a16kHzWavIsResampledOnceForAnUpstreamThatTakesOnly24kHz() {
        AudioUploads.Upload up = AudioUploads.forSession("audio/wav", TestAudio.wav(speech16k), AudioFormat.PCM16_24K,
                rate -> false);
        assertEquals(AudioFormat.PCM16_24K, up.format());
        assertArrayEquals(speech16k.monoAt(24000).toLittleEndian(), up.data());
        assertEquals(800, (long) up.format().millis(up.data().length));
    }

    @Test
    public void aStereoWavIsDownMixedAndAG711SessionGetsG711() {
        Pcm stereo = TestAudio.stereo(speech16k);
        AudioUploads.Upload up = AudioUploads.forSession("audio/x-wav", TestAudio.wav(stereo), AudioFormat.PCMU,
                rate -> true);
        assertEquals(AudioFormat.PCMU, up.format());
        assertEquals(800 * 8, up.data().length, "one byte per sample at 8 kHz");
    }

    @Test
    public void pcmWithARateParameterIsTakenAtThatRate() {
        AudioUploads.Upload up = AudioUploads.forSession("audio/pcm;rate=16000", speech16k.toLittleEndian(),
                AudioFormat.PCM16_24K, rate -> rate == 16000);
        assertEquals(16000, up.format().rate());
    }

    @Test
    public void notAudioIsAnInvalidAudioRefusalNamingTheBody() {
        Refusal.Rejected e = assertThrows(Refusal.Rejected.class,
                () -> AudioUploads.forSession("audio/wav", "hello".getBytes(), AudioFormat.PCM16_24K, rate -> true));
        Refusal.InvalidParameter p = (Refusal.InvalidParameter) e.refusal();
        assertEquals("body", p.param());
        assertEquals("invalid_audio", p.code());
        assertEquals("not a WAV file: expected a RIFF/WAVE header", p.message());
    }
}
