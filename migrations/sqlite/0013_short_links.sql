-- First-party short links: one code per recipient and link, 64 random bits kept as the row's
-- integer key; the click log and each message's click count.
ALTER TABLE accounts ADD COLUMN link_expiry_days INTEGER NOT NULL DEFAULT 90;
-- The address a version's links are shortened to, frozen with the version (NULL: kept as written).
ALTER TABLE submissions ADD COLUMN link_base TEXT;
ALTER TABLE confirmations ADD COLUMN keep_links INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN clicks INTEGER NOT NULL DEFAULT 0;

CREATE TABLE short_links (
    code INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    delivery_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (delivery_id, position)
);

CREATE TABLE clicks (
    id INTEGER PRIMARY KEY,
    code INTEGER NOT NULL,
    delivery_id INTEGER NOT NULL,
    clicked_at INTEGER NOT NULL,
    repeat INTEGER NOT NULL
);
CREATE INDEX clicks_by_code ON clicks (code);
CREATE INDEX clicks_by_delivery ON clicks (delivery_id);
