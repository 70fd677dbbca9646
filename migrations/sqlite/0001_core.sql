-- Herald core schema (SQLite). Times are microseconds since the Unix epoch, UTC.
-- Discord snowflakes fit in a signed 64-bit integer.

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    auto_validation  INTEGER NOT NULL DEFAULT 0 CHECK (auto_validation IN (0, 1)),
    region           TEXT    NOT NULL,
    zone             TEXT    NOT NULL,
    sender           TEXT,
    opt_out_text     TEXT,
    send_role_id     INTEGER,
    available        INTEGER NOT NULL DEFAULT 0 CHECK (available >= 0),
    reserved         INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

-- Append-only: every movement of credit, with the balance it left.
CREATE TABLE ledger (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('credit', 'reserve', 'debit', 'release', 'refund')),
    amount           INTEGER NOT NULL CHECK (amount > 0),
    campaign_id      INTEGER,
    version          INTEGER,
    reason           TEXT,
    available_after  INTEGER NOT NULL CHECK (available_after >= 0),
    reserved_after   INTEGER NOT NULL CHECK (reserved_after >= 0),
    created_at       INTEGER NOT NULL
);
CREATE INDEX ledger_by_account ON ledger (account_id, id);
CREATE TRIGGER ledger_is_append_only_u BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_is_append_only_d BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

CREATE TABLE recipient_lists (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    created_at       INTEGER NOT NULL
);

CREATE TABLE recipients (
    list_id          INTEGER NOT NULL REFERENCES recipient_lists (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    phone            TEXT    NOT NULL,
    name             TEXT,
    line             INTEGER NOT NULL,
    PRIMARY KEY (list_id, position)
) WITHOUT ROWID;

CREATE TABLE campaigns (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    name             TEXT    NOT NULL,
    name_key         TEXT    NOT NULL,
    owner_id         INTEGER NOT NULL,
    channel_id       INTEGER,
    state            TEXT    NOT NULL,
    draft_body       TEXT,
    draft_sender     TEXT,
    draft_list_id    INTEGER REFERENCES recipient_lists (id),
    draft_list_count INTEGER,
    draft_revision   INTEGER NOT NULL DEFAULT 0,
    latest_version   INTEGER,
    revision         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);
CREATE INDEX campaigns_by_state ON campaigns (state);
CREATE INDEX campaigns_by_draft_list ON campaigns (draft_list_id);

-- One row per confirmed version; only its review and lifecycle columns change after insert.
CREATE TABLE submissions (
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
    version          INTEGER NOT NULL,
    body             TEXT    NOT NULL,
    sender           TEXT    NOT NULL,
    list_id          INTEGER NOT NULL REFERENCES recipient_lists (id),
    recipient_count  INTEGER NOT NULL,
    send_at          INTEGER,
    send_zone        TEXT,
    cost             INTEGER NOT NULL CHECK (cost >= 0),
    reserved         INTEGER NOT NULL CHECK (reserved >= 0),
    debited          INTEGER NOT NULL CHECK (debited >= 0),
    flags            TEXT    NOT NULL,
    confirmed_by     INTEGER NOT NULL,
    confirmed_at     INTEGER NOT NULL,
    review           TEXT    NOT NULL CHECK (review IN ('pending', 'approved', 'refused')),
    reviewer         TEXT,
    reviewed_at      INTEGER,
    refusal_code     TEXT,
    refusal_text     TEXT,
    cancelled_by     INTEGER,
    cancelled_at     INTEGER,
    started_at       INTEGER,
    completed_at     INTEGER,
    PRIMARY KEY (campaign_id, version)
);
CREATE INDEX submissions_pending ON submissions (review, confirmed_at);
CREATE INDEX submissions_by_list ON submissions (list_id);

CREATE TABLE confirmations (
    token            TEXT    PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
    action           TEXT    NOT NULL CHECK (action IN ('submit', 'cancel')),
    send_at          INTEGER,
    send_zone        TEXT,
    draft_revision   INTEGER NOT NULL,
    requested_by     INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    spent_at         INTEGER,
    outcome          TEXT
);

CREATE TABLE opt_outs (
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    phone            TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (account_id, phone)
) WITHOUT ROWID;

-- Notifications to people, drained at least once by the bot; the id lets it drop duplicates.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    campaign_id      INTEGER,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    claimed_by       TEXT,
    claimed_until    INTEGER,
    delivered_at     INTEGER
);
CREATE INDEX outbox_undelivered ON outbox (delivered_at, id);

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    campaign_id      INTEGER,
    version          INTEGER,
    actor            TEXT    NOT NULL,
    action           TEXT    NOT NULL,
    detail           TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX audit_by_time ON audit_log (created_at);

CREATE TABLE moderators (
    name             TEXT    PRIMARY KEY,
    password_hash    TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);

CREATE TABLE consents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    purpose          TEXT    NOT NULL,
    notice_version   TEXT    NOT NULL,
    notice_hash      TEXT    NOT NULL,
    decision         TEXT    NOT NULL CHECK (decision IN ('granted', 'declined', 'withdrawn')),
    interaction_id   TEXT,
    created_at       INTEGER NOT NULL
);
CREATE INDEX consents_by_user ON consents (account_id, user_id, id);

CREATE TABLE ratings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    subject          TEXT    NOT NULL,
    rating           INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment          TEXT,
    created_at       INTEGER NOT NULL
);

-- Per-user preferences, across servers.
CREATE TABLE user_settings (
    user_id          INTEGER PRIMARY KEY,
    zone             TEXT,
    -- The language the user last used with the bot, for notifications.
    locale           TEXT,
    updated_at       INTEGER NOT NULL
);
