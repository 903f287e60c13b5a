/**
 * Who may call the gateway and what they may use: API keys and their roles, scoped session tokens, and
 * per-key accounts (quotas and usage). Used by the HTTP access filter in {@code api} and the upgrade checks in {@code ws}.
 */
package realtime.gateway.auth;
