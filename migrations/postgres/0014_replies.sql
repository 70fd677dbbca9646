-- Messages phones send back: kept per account that sent to the number, posted to the account's
-- replies channel in one thread per number, counted on the message they answer.
ALTER TABLE accounts ADD COLUMN replies_channel_id BIGINT;
ALTER TABLE deliveries ADD COLUMN replies BIGINT NOT NULL DEFAULT 0;

CREATE TABLE phone_replies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL,
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    opted_out BIGINT NOT NULL,
    campaign_id BIGINT,
    version BIGINT,
    delivery_id BIGINT,
    received_at BIGINT NOT NULL,
    claimed_until BIGINT,
    posted_at BIGINT
);
CREATE INDEX phone_replies_unposted ON phone_replies (posted_at, id);
CREATE INDEX phone_replies_by_phone ON phone_replies (account_id, phone);

CREATE TABLE reply_threads (
    account_id BIGINT NOT NULL,
    phone TEXT NOT NULL,
    thread_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, phone)
);
