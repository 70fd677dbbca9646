-- Support conversations: private threads in a server's support channel, opened after consent.
ALTER TABLE accounts ADD COLUMN support_channel_id INTEGER;
ALTER TABLE accounts ADD COLUMN support_role_id INTEGER;

-- A question asked before consent was given: opened once the person accepts.
CREATE TABLE support_requests (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    question         TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);

CREATE TABLE support_threads (
    thread_id        INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    opened_at        INTEGER NOT NULL,
    closed_at        INTEGER,
    closed_by        TEXT
);
CREATE INDEX support_threads_by_person ON support_threads (account_id, user_id);
