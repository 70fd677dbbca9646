-- Support conversations: private threads in a server's support channel, opened after consent.
ALTER TABLE accounts ADD COLUMN support_channel_id BIGINT;
ALTER TABLE accounts ADD COLUMN support_role_id BIGINT;

-- A question asked before consent was given: opened once the person accepts.
CREATE TABLE support_requests (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    question         TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL
);

CREATE TABLE support_threads (
    thread_id        BIGINT  PRIMARY KEY,
    account_id       BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    opened_at        BIGINT  NOT NULL,
    closed_at        BIGINT,
    closed_by        TEXT
);
CREATE INDEX support_threads_by_person ON support_threads (account_id, user_id);
