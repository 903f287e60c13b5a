/**
 * The only code that talks to a Realtime provider. {@link realtime.gateway.upstream.UpstreamProvider} is
 * the small interface a session uses; the OpenAI WebSocket client implements it, and tests or a local
 * engine can implement it too.
 */
package realtime.gateway.upstream;
