/**
 * HTTP: the access filter in front of every route (credentials, tenancy, CORS), the OpenAI-compatible
 * session-creation paths, the gateway's own session, token and usage paths, their records, config
 * validation, and the one exception mapper that turns every failure into OpenAI's error shape.
 */
package realtime.gateway.api;
