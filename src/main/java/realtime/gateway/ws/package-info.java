/**
 * Server WebSocket endpoints: the subscriber stream and the raw audio producer as plain Vert.x routes (the
 * fan-out hot path, and a producer socket whose reads pause while the upstream is behind), the
 * OpenAI-compatible {@code /v1/realtime} producer on websockets-next, and the upgrade check that binds it
 * to its session. Producer input goes through {@code ProducerInput}; refusals come back as error events.
 */
package realtime.gateway.ws;
