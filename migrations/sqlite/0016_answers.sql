-- Answers: a team member's SMS back to a number that wrote in, written in the number's thread,
-- priced and confirmed, then sent as a message of its own; its thread message shows its status.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL,
    phone TEXT NOT NULL,
    thread_id INTEGER NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    cost INTEGER NOT NULL CHECK (cost >= 0),
    written_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    -- Once confirmed: the message that carries it.
    delivery_id INTEGER,
    confirmed_at INTEGER,
    -- The thread message showing its status, the status it shows, and whether that is final.
    message_id INTEGER,
    shown TEXT,
    settled INTEGER NOT NULL DEFAULT 0,
    -- Not sent after all (an opt-out since): its cost given back.
    refunded INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER
);
CREATE INDEX answers_unsettled ON answers (settled, delivery_id);
CREATE INDEX answers_by_phone ON answers (account_id, phone);
CREATE INDEX answers_by_delivery ON answers (delivery_id);
CREATE INDEX reply_threads_by_thread ON reply_threads (thread_id);

-- is_answer: this message is an answer; answers: how many answers followed this message.
ALTER TABLE deliveries ADD COLUMN is_answer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN answers INTEGER NOT NULL DEFAULT 0;
