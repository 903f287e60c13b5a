/**
 * What the gateway does against slow, idle, broken and hostile connections: keepalive pings with a pong deadline,
 * request-body deadlines, per-address stream limits, answers to broken framing, and WARN lines that cannot flood.
 * Used by the REST resources ({@code api}) and the WebSocket endpoints ({@code ws}); depends on nothing of theirs.
 */
package realtime.gateway.edge;
