-- Test messages are a third kind of confirmation: the numbers they go to are kept with it.
CREATE TABLE confirmations_new (
    token            TEXT    PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
    action           TEXT    NOT NULL CHECK (action IN ('submit', 'cancel', 'test')),
    send_at          INTEGER,
    send_zone        TEXT,
    test_numbers     TEXT,
    draft_revision   INTEGER NOT NULL,
    requested_by     INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    spent_at         INTEGER,
    outcome          TEXT
);
INSERT INTO confirmations_new (token, campaign_id, action, send_at, send_zone, draft_revision, requested_by,
    expires_at, created_at, spent_at, outcome)
SELECT token, campaign_id, action, send_at, send_zone, draft_revision, requested_by, expires_at, created_at,
    spent_at, outcome FROM confirmations;
DROP TABLE confirmations;
ALTER TABLE confirmations_new RENAME TO confirmations;

-- One message to one phone. An attempt is claimed (status 'submitted', attempt + 1) in its own
-- commit before it reaches the gateway, so no attempt is ever sent twice; an attempt that never
-- got an answer is tried again when its due time passes.
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
    version          INTEGER,            -- NULL: a test message
    phone            TEXT    NOT NULL,
    body             TEXT,               -- test messages only: a version's text is in submissions
    sender           TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'submitted', 'retrying', 'delivered', 'bounced', 'skipped', 'stopped')),
    attempt          INTEGER NOT NULL DEFAULT 0,
    acknowledged     INTEGER NOT NULL DEFAULT 0,
    due_at           INTEGER NOT NULL,
    started_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    error            TEXT
);
-- Claims and sweeps read one status at a time, in due order. (Not a partial index: SQLite
-- would not use one for `status = 'pending'`, as it can't prove that within an IN list.)
CREATE INDEX deliveries_due ON deliveries (status, due_at);
CREATE INDEX deliveries_of_campaign ON deliveries (campaign_id, version, status);
CREATE INDEX deliveries_by_phone ON deliveries (phone);

-- Keys Herald generates once and every process shares (the delivery-report signing key).
CREATE TABLE server_keys (
    name             TEXT    PRIMARY KEY,
    value            TEXT    NOT NULL
);
