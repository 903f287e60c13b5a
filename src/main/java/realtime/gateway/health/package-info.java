/**
 * Readiness and liveness checks for {@code /q/health}. Readiness follows the upstream provider's
 * configuration and the session capacity; liveness never depends on the upstream.
 */
package realtime.gateway.health;
