/**
 * Voice activity detection as a small component: audio in, speech started and stopped out, honouring
 * {@code threshold}, {@code prefix_padding_ms} and {@code silence_duration_ms} as OpenAI's server VAD
 * does. A {@link realtime.gateway.vad.SpeechModel} gives the speech probability of each window (Silero as
 * ONNX, or an energy measure where ONNX Runtime is not available); the
 * {@link realtime.gateway.vad.SpeechDetector} turns probabilities into turns. Used by the local engine, and
 * usable for any upstream without a server VAD. No dependency on the rest of the gateway but {@code audio}.
 */
package realtime.gateway.vad;
