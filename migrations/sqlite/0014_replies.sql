-- Messages phones send back: kept per account that sent to the number, posted to the account's
-- replies channel in one thread per number, counted on the message they answer.
ALTER TABLE accounts ADD COLUMN replies_channel_id INTEGER;
ALTER TABLE deliveries ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;

CREATE TABLE phone_replies (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    opted_out INTEGER NOT NULL,
    campaign_id INTEGER,
    version INTEGER,
    delivery_id INTEGER,
    received_at INTEGER NOT NULL,
    claimed_until INTEGER,
    posted_at INTEGER
);
CREATE INDEX phone_replies_unposted ON phone_replies (posted_at, id);
CREATE INDEX phone_replies_by_phone ON phone_replies (account_id, phone);

CREATE TABLE reply_threads (
    account_id INTEGER NOT NULL,
    phone TEXT NOT NULL,
    thread_id INTEGER NOT NULL,
    PRIMARY KEY (account_id, phone)
);
