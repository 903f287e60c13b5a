/**
 * Sessions: the registry that owns them, each session's state machine and upstream link, the per-session
 * hub (sequence numbers and broadcast to bounded subscribers) and the transcript. Plain Java apart from
 * the registry bean, so the logic is unit-tested without Quarkus.
 */
package realtime.gateway.session;
