/**
 * The operator's numbers: Micrometer meters, served by Quarkus in Prometheus format at {@code /q/metrics}.
 * {@link realtime.gateway.metrics.GatewayMetrics} implements what sessions report
 * ({@link realtime.gateway.session.SessionMetrics}) and what the REST layer reports (refusals), with bounded
 * tags only: no session id, item id or key value ever becomes a tag.
 */
package realtime.gateway.metrics;
