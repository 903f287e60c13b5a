/**
 * Audio formats: WAV parsing, down-mixing, resampling to the upstream's 24 kHz PCM16, G.711 and base64
 * framing. Plain Java, used by the REST audio endpoint and the audio socket.
 */
package realtime.gateway.audio;
