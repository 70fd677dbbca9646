-- Herald core schema (PostgreSQL). Times are microseconds since the Unix epoch, UTC.
-- Discord snowflakes fit in a signed 64-bit integer.

CREATE TABLE accounts (
    id               BIGINT  PRIMARY KEY,
    name             TEXT    NOT NULL,
    auto_validation  BIGINT  NOT NULL DEFAULT 0 CHECK (auto_validation IN (0, 1)),
    region           TEXT    NOT NULL,
    zone             TEXT    NOT NULL,
    sender           TEXT,
    opt_out_text     TEXT,
    send_role_id     BIGINT ,
    available        BIGINT  NOT NULL DEFAULT 0 CHECK (available >= 0),
    reserved         BIGINT  NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);

-- Append-only: every movement of credit, with the balance it left.
CREATE TABLE ledger (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL REFERENCES accounts (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('credit', 'reserve', 'debit', 'release', 'refund')),
    amount           BIGINT  NOT NULL CHECK (amount > 0),
    campaign_id      BIGINT ,
    version          BIGINT ,
    reason           TEXT,
    available_after  BIGINT  NOT NULL CHECK (available_after >= 0),
    reserved_after   BIGINT  NOT NULL CHECK (reserved_after >= 0),
    created_at       BIGINT  NOT NULL
);
CREATE INDEX ledger_by_account ON ledger (account_id, id);
CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger is append-only';
END $$;
CREATE TRIGGER ledger_is_append_only BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();

CREATE TABLE recipient_lists (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL REFERENCES accounts (id),
    created_at       BIGINT  NOT NULL
);

CREATE TABLE recipients (
    list_id          BIGINT  NOT NULL REFERENCES recipient_lists (id) ON DELETE CASCADE,
    position         BIGINT  NOT NULL,
    phone            TEXT    NOT NULL,
    name             TEXT,
    line             BIGINT  NOT NULL,
    PRIMARY KEY (list_id, position)
);

CREATE TABLE campaigns (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL REFERENCES accounts (id),
    name             TEXT    NOT NULL,
    name_key         TEXT    NOT NULL,
    owner_id         BIGINT  NOT NULL,
    channel_id       BIGINT ,
    state            TEXT    NOT NULL,
    draft_body       TEXT,
    draft_sender     TEXT,
    draft_list_id    BIGINT  REFERENCES recipient_lists (id),
    draft_list_count BIGINT ,
    draft_revision   BIGINT  NOT NULL DEFAULT 0,
    latest_version   BIGINT ,
    revision         BIGINT  NOT NULL DEFAULT 0,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (account_id, name_key)
);
CREATE INDEX campaigns_by_state ON campaigns (state);
CREATE INDEX campaigns_by_draft_list ON campaigns (draft_list_id);

-- One row per confirmed version; only its review and lifecycle columns change after insert.
CREATE TABLE submissions (
    campaign_id      BIGINT  NOT NULL REFERENCES campaigns (id),
    version          BIGINT  NOT NULL,
    body             TEXT    NOT NULL,
    sender           TEXT    NOT NULL,
    list_id          BIGINT  NOT NULL REFERENCES recipient_lists (id),
    recipient_count  BIGINT  NOT NULL,
    send_at          BIGINT ,
    send_zone        TEXT,
    cost             BIGINT  NOT NULL CHECK (cost >= 0),
    reserved         BIGINT  NOT NULL CHECK (reserved >= 0),
    debited          BIGINT  NOT NULL CHECK (debited >= 0),
    flags            TEXT    NOT NULL,
    confirmed_by     BIGINT  NOT NULL,
    confirmed_at     BIGINT  NOT NULL,
    review           TEXT    NOT NULL CHECK (review IN ('pending', 'approved', 'refused')),
    reviewer         TEXT,
    reviewed_at      BIGINT ,
    refusal_code     TEXT,
    refusal_text     TEXT,
    cancelled_by     BIGINT ,
    cancelled_at     BIGINT ,
    started_at       BIGINT ,
    completed_at     BIGINT ,
    PRIMARY KEY (campaign_id, version)
);
CREATE INDEX submissions_pending ON submissions (review, confirmed_at);
CREATE INDEX submissions_by_list ON submissions (list_id);

CREATE TABLE confirmations (
    token            TEXT    PRIMARY KEY,
    campaign_id      BIGINT  NOT NULL REFERENCES campaigns (id),
    action           TEXT    NOT NULL CHECK (action IN ('submit', 'cancel')),
    send_at          BIGINT ,
    send_zone        TEXT,
    draft_revision   BIGINT  NOT NULL,
    requested_by     BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    created_at       BIGINT  NOT NULL,
    spent_at         BIGINT ,
    outcome          TEXT
);

CREATE TABLE opt_outs (
    account_id       BIGINT  NOT NULL REFERENCES accounts (id),
    phone            TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    PRIMARY KEY (account_id, phone)
);

-- Notifications to people, drained at least once by the bot; the id lets it drop duplicates.
CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    campaign_id      BIGINT ,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    claimed_by       TEXT,
    claimed_until    BIGINT ,
    delivered_at     BIGINT 
);
CREATE INDEX outbox_undelivered ON outbox (delivered_at, id);

CREATE TABLE audit_log (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    campaign_id      BIGINT ,
    version          BIGINT ,
    actor            TEXT    NOT NULL,
    action           TEXT    NOT NULL,
    detail           TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX audit_by_time ON audit_log (created_at);

CREATE TABLE moderators (
    name             TEXT    PRIMARY KEY,
    password_hash    TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);

CREATE TABLE consents (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    purpose          TEXT    NOT NULL,
    notice_version   TEXT    NOT NULL,
    notice_hash      TEXT    NOT NULL,
    decision         TEXT    NOT NULL CHECK (decision IN ('granted', 'declined', 'withdrawn')),
    interaction_id   TEXT,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX consents_by_user ON consents (account_id, user_id, id);

CREATE TABLE ratings (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    subject          TEXT    NOT NULL,
    rating           BIGINT  NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment          TEXT,
    created_at       BIGINT  NOT NULL
);

-- Per-user preferences, across servers.
CREATE TABLE user_settings (
    user_id          BIGINT  PRIMARY KEY,
    zone             TEXT,
    -- The language the user last used with the bot, for notifications.
    locale           TEXT,
    updated_at       BIGINT  NOT NULL
);
