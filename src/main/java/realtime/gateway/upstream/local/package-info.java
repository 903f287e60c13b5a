/**
 * The offline provider: CMU Sphinx4 (US English) behind the upstream interface, speaking the GA
 * transcription event sequence with its own voice activity detection. JVM builds only; its beans are
 * removed from native builds. Selected with {@code gateway.upstream.provider=local}, or when no key is set.
 */
package realtime.gateway.upstream.local;
