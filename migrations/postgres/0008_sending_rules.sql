-- Sending rules enforced where messages leave.
-- Where each recipient is, for its sending window: the region its number belongs to ('' for
-- numbers of no country) and, in regions with several zones, the one its prefix gives. NULL
-- region: written before this migration, worked out from the number when needed.
ALTER TABLE recipients ADD COLUMN region TEXT;
ALTER TABLE recipients ADD COLUMN zone TEXT;

-- How many recipients of a list are in each destination, counted at import.
CREATE TABLE list_destinations (
    list_id          BIGINT  NOT NULL REFERENCES recipient_lists (id) ON DELETE CASCADE,
    region           TEXT    NOT NULL,
    zone             TEXT    NOT NULL DEFAULT '',
    recipients       BIGINT  NOT NULL CHECK (recipients > 0),
    PRIMARY KEY (list_id, region, zone)
);

-- Countries an account sends to without a window (codes, comma-separated), and the short code
-- it declared (5 digits, 36xxx or 38xxx): the only numeric sender IDs allowed.
ALTER TABLE accounts ADD COLUMN no_window_regions TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN short_code TEXT;

-- Deliveries gain their destination, a status for messages the window kept from going before
-- their retry window closed (refunded), and a mark for test messages sent at once on purpose.
ALTER TABLE deliveries ADD COLUMN region TEXT;
ALTER TABLE deliveries ADD COLUMN zone TEXT;
ALTER TABLE deliveries ADD COLUMN window_exempt BIGINT NOT NULL DEFAULT 0 CHECK (window_exempt IN (0, 1));
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'submitted', 'retrying', 'delivered', 'bounced', 'skipped', 'stopped', 'outside_hours'));
