/**
 * Webhook delivery: the dispatcher takes due deliveries from the store's outbox, signs them per the Standard
 * Webhooks specification and POSTs them, retrying with exponential backoff and jitter until delivered or
 * given up. It never touches a session: a slow or failing receiver delays nothing but its own deliveries.
 */
package realtime.gateway.webhook;
