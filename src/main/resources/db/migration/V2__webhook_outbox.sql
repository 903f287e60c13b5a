-- Webhook deliveries (the outbox): written in the same transaction as what they announce, so an event is
-- neither lost nor invented across a crash; sent and retried by the dispatcher until delivered or given up.
CREATE TABLE gateway_webhook_deliveries (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    event_type VARCHAR(64) NOT NULL,
    owner VARCHAR(200),
    session_id VARCHAR(64),
    url VARCHAR(2000) NOT NULL,
    payload VARCHAR NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    give_up_at BIGINT NOT NULL,
    last_attempt_at BIGINT,
    last_error VARCHAR(1000),
    delivered_at BIGINT
);
CREATE INDEX gateway_webhook_due ON gateway_webhook_deliveries (status, next_attempt_at);
CREATE INDEX gateway_webhook_created ON gateway_webhook_deliveries (created_at);
