-- First-party short links: one code per recipient and link, 64 random bits kept as the row's
-- integer key; the click log and each message's click count.
ALTER TABLE accounts ADD COLUMN link_expiry_days BIGINT NOT NULL DEFAULT 90;
-- The address a version's links are shortened to, frozen with the version (NULL: kept as written).
ALTER TABLE submissions ADD COLUMN link_base TEXT;
ALTER TABLE confirmations ADD COLUMN keep_links BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN clicks BIGINT NOT NULL DEFAULT 0;

CREATE TABLE short_links (
    code BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    delivery_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    url TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (delivery_id, position)
);

CREATE TABLE clicks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code BIGINT NOT NULL,
    delivery_id BIGINT NOT NULL,
    clicked_at BIGINT NOT NULL,
    repeat BIGINT NOT NULL
);
CREATE INDEX clicks_by_code ON clicks (code);
CREATE INDEX clicks_by_delivery ON clicks (delivery_id);
