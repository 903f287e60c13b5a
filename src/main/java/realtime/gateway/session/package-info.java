/**
 * Sessions: the registry that owns them (with per-owner limits), and each session as an actor: a lock-free
 * {@code Mailbox} runs every step in order; {@code SessionCore} wires the {@code Lifecycle} state machine,
 * the {@code InputPath} (admit, queue, send with backpressure) and the {@code EventReactor} (transcript,
 * usage, effective {@code TranscriptionConfig}); the hub numbers and broadcasts frames to bounded
 * subscribers. Refusals are {@code Refusal} values that each transport maps once. Plain Java apart from
 * the registry bean, so it is unit-tested without Quarkus.
 */
package realtime.gateway.session;
