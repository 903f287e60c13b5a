/**
 * Server WebSocket endpoints: the subscriber stream, the raw audio producer, and the OpenAI-compatible
 * {@code /v1/realtime} producer, with the upgrade checks that refuse unknown sessions and bad secrets
 * before the handshake completes.
 */
package realtime.gateway.ws;
