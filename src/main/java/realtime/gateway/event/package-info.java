/**
 * The typed Realtime wire model (server and client events of the GA and beta dialects) and its codec.
 * Used by the upstream connection to read frames, by the sockets to validate client events, and by the
 * session hub to find the type and the few fields it acts on; subscribers always get the raw text.
 */
package realtime.gateway.event;
