// Runs in the AudioWorklet: turns the microphone's float samples (at the context's rate) into PCM16 little-endian
// mono at 24 kHz, in 100 ms frames, each posted with its RMS level for the meter.
const TARGET_RATE = 24000;
const FRAME_SAMPLES = 2400;

class Pcm16Writer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE; // input samples per output sample
    this.position = 0; // where the next output sample falls in the current input block
    this.previous = 0; // the last sample of the previous block, for interpolation across blocks
    this.frame = new DataView(new ArrayBuffer(FRAME_SAMPLES * 2));
    this.count = 0;
    this.energy = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) {
      return true;
    }
    const samples = input[0];
    // Linear interpolation; position -1..0 lies between the previous block's last sample and this block's first.
    while (this.position < samples.length - 1) {
      const i = Math.floor(this.position);
      const f = this.position - i;
      const a = i < 0 ? this.previous : samples[i];
      const b = samples[i + 1];
      this.write(a + (b - a) * f);
      this.position += this.step;
    }
    this.position -= samples.length;
    this.previous = samples[samples.length - 1];
    return true;
  }

  write(value) {
    const v = Math.max(-1, Math.min(1, value));
    this.frame.setInt16(this.count * 2, v < 0 ? v * 0x8000 : v * 0x7fff, true);
    this.energy += v * v;
    this.count++;
    if (this.count === FRAME_SAMPLES) {
      const pcm = this.frame.buffer;
      this.port.postMessage({ pcm, level: Math.sqrt(this.energy / FRAME_SAMPLES) }, [pcm]);
      this.frame = new DataView(new ArrayBuffer(FRAME_SAMPLES * 2));
      this.count = 0;
      this.energy = 0;
    }
  }
}

registerProcessor('pcm16-writer', Pcm16Writer);
