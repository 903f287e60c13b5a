/**
 * Sessions: the registry that owns them (with per-owner limits), each session's state machine and upstream
 * link, the per-session hub (sequence numbers and broadcast to bounded subscribers), the transcript and the
 * usage it reports to its owner's account. Plain Java apart from the registry bean, so the logic is
 * unit-tested without Quarkus.
 */
package realtime.gateway.session;
