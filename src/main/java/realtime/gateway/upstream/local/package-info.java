/**
 * The offline provider: Vosk (Kaldi, the small US English model from Maven Central) behind the upstream
 * interface, speaking the GA transcription event sequence with Silero voice activity detection and live
 * partial captions ({@code gateway.transcription.partial}). JVM builds only; its beans are removed from
 * native builds. Selected with {@code gateway.upstream.provider=local}, or when no key is set.
 */
package realtime.gateway.upstream.local;
