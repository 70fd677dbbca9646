-- Answers: a team member's SMS back to a number that wrote in, written in the number's thread,
-- priced and confirmed, then sent as a message of its own; its thread message shows its status.
CREATE TABLE answers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL,
    phone TEXT NOT NULL,
    thread_id BIGINT NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    cost BIGINT NOT NULL CHECK (cost >= 0),
    written_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Once confirmed: the message that carries it.
    delivery_id BIGINT,
    confirmed_at BIGINT,
    -- The thread message showing its status, the status it shows, and whether that is final.
    message_id BIGINT,
    shown TEXT,
    settled BIGINT NOT NULL DEFAULT 0,
    -- Not sent after all (an opt-out since): its cost given back.
    refunded BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT
);
CREATE INDEX answers_unsettled ON answers (settled, delivery_id);
CREATE INDEX answers_by_phone ON answers (account_id, phone);
CREATE INDEX answers_by_delivery ON answers (delivery_id);
CREATE INDEX reply_threads_by_thread ON reply_threads (thread_id);

-- is_answer: this message is an answer; answers: how many answers followed this message.
ALTER TABLE deliveries ADD COLUMN is_answer BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN answers BIGINT NOT NULL DEFAULT 0;
