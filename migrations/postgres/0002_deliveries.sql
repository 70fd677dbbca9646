-- Test messages are a third kind of confirmation: the numbers they go to are kept with it.
ALTER TABLE confirmations DROP CONSTRAINT confirmations_action_check;
ALTER TABLE confirmations ADD CONSTRAINT confirmations_action_check CHECK (action IN ('submit', 'cancel', 'test'));
ALTER TABLE confirmations ADD COLUMN test_numbers TEXT;

-- One message to one phone. An attempt is claimed (status 'submitted', attempt + 1) in its own
-- commit before it reaches the gateway, so no attempt is ever sent twice; an attempt that never
-- got an answer is tried again when its due time passes.
CREATE TABLE deliveries (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    campaign_id      BIGINT  NOT NULL REFERENCES campaigns (id),
    version          BIGINT,             -- NULL: a test message
    phone            TEXT    NOT NULL,
    body             TEXT,               -- test messages only: a version's text is in submissions
    sender           TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'submitted', 'retrying', 'delivered', 'bounced', 'skipped', 'stopped')),
    attempt          BIGINT  NOT NULL DEFAULT 0,
    acknowledged     BIGINT  NOT NULL DEFAULT 0,
    due_at           BIGINT  NOT NULL,
    started_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    error            TEXT
);
-- Claims and sweeps read one status at a time, in due order.
CREATE INDEX deliveries_due ON deliveries (status, due_at);
CREATE INDEX deliveries_of_campaign ON deliveries (campaign_id, version, status);
CREATE INDEX deliveries_by_phone ON deliveries (phone);

-- Keys Herald generates once and every process shares (the delivery-report signing key).
CREATE TABLE server_keys (
    name             TEXT    PRIMARY KEY,
    value            TEXT    NOT NULL
);
