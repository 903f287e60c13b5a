/**
 * The gateway's one configuration mapping ({@code gateway.*}).
 * Injected by the registry, the upstream provider, the sockets and the health checks.
 */
package realtime.gateway.config;
