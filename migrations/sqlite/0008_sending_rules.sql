-- Sending rules enforced where messages leave.
-- Where each recipient is, for its sending window: the region its number belongs to ('' for
-- numbers of no country) and, in regions with several zones, the one its prefix gives. NULL
-- region: written before this migration, worked out from the number when needed.
ALTER TABLE recipients ADD COLUMN region TEXT;
ALTER TABLE recipients ADD COLUMN zone TEXT;

-- How many recipients of a list are in each destination, counted at import.
CREATE TABLE list_destinations (
    list_id          INTEGER NOT NULL REFERENCES recipient_lists (id) ON DELETE CASCADE,
    region           TEXT    NOT NULL,
    zone             TEXT    NOT NULL DEFAULT '',
    recipients       INTEGER NOT NULL CHECK (recipients > 0),
    PRIMARY KEY (list_id, region, zone)
) WITHOUT ROWID;

-- Countries an account sends to without a window (codes, comma-separated), and the short code
-- it declared (5 digits, 36xxx or 38xxx): the only numeric sender IDs allowed.
ALTER TABLE accounts ADD COLUMN no_window_regions TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN short_code TEXT;

-- Deliveries gain their destination, a status for messages the window kept from going before
-- their retry window closed (refunded), and a mark for test messages sent at once on purpose.
-- SQLite can't change a CHECK constraint in place: the table is copied.
CREATE TABLE deliveries_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id),
    version          INTEGER,            -- NULL: a test message
    phone            TEXT    NOT NULL,
    body             TEXT,               -- test messages only: a version's text is in submissions
    sender           TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'submitted', 'retrying', 'delivered', 'bounced', 'skipped', 'stopped', 'outside_hours')),
    attempt          INTEGER NOT NULL DEFAULT 0,
    acknowledged     INTEGER NOT NULL DEFAULT 0,
    due_at           INTEGER NOT NULL,
    started_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    error            TEXT,
    region           TEXT,
    zone             TEXT,
    window_exempt    INTEGER NOT NULL DEFAULT 0 CHECK (window_exempt IN (0, 1))
);
INSERT INTO deliveries_new (id, account_id, campaign_id, version, phone, body, sender, status, attempt, acknowledged, due_at, started_at, updated_at, error)
    SELECT id, account_id, campaign_id, version, phone, body, sender, status, attempt, acknowledged, due_at, started_at, updated_at, error FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (status, due_at);
CREATE INDEX deliveries_of_campaign ON deliveries (campaign_id, version, status);
CREATE INDEX deliveries_by_phone ON deliveries (phone);
