/**
 * REST resources: the OpenAI-compatible session-creation paths and the gateway's own session paths, their
 * request and response records, config validation, and the one exception mapper that turns every failure
 * into OpenAI's {@code {"error":{type,code,message,param}}} shape.
 */
package realtime.gateway.api;
