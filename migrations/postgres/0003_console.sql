-- Moderation console: sessions (shared by every console process) and failed logins (rate limit).

-- The cookie holds a random token; only its SHA-256 is kept, so a copy of the database opens
-- no session.
CREATE TABLE console_sessions (
    token_hash       TEXT    PRIMARY KEY,
    moderator        TEXT    NOT NULL REFERENCES moderators (name),
    csrf_token       TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

-- One row per failed login, per subject ('address:…' and 'moderator:…').
CREATE TABLE login_failures (
    subject          TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX login_failures_by_subject ON login_failures (subject, created_at);

-- History filters by moderator and outcome.
CREATE INDEX audit_by_action ON audit_log (action, created_at);
CREATE INDEX ratings_by_time ON ratings (created_at);

-- The review queue reads pending versions oldest first straight from this index, ties broken by
-- campaign: no sort, however long the queue.
CREATE INDEX submissions_queue ON submissions (review, confirmed_at, campaign_id);
