-- Merge fields: a list's columns (names joined by U+001F) and each recipient's values in that
-- order; a version whose body is a template renders each message from them. Deliveries carry
-- their recipient's values, so the dispatcher reads no other table.
ALTER TABLE recipient_lists ADD COLUMN columns TEXT;
ALTER TABLE recipients ADD COLUMN fields TEXT;
ALTER TABLE deliveries ADD COLUMN fields TEXT;
ALTER TABLE submissions ADD COLUMN personalised INTEGER NOT NULL DEFAULT 0;
-- A finalize may choose to leave out recipients whose message can't be written.
ALTER TABLE confirmations ADD COLUMN leave_out INTEGER NOT NULL DEFAULT 0;
-- Which audiences a draft takes its recipients from (JSON), if not from a file.
ALTER TABLE campaigns ADD COLUMN draft_audiences TEXT;

-- Contact lists kept per account: a name for a frozen recipient list, replaced by each import.
CREATE TABLE audiences (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    name             TEXT    NOT NULL,
    name_key         TEXT    NOT NULL,
    list_id          INTEGER NOT NULL REFERENCES recipient_lists (id),
    recipients       INTEGER NOT NULL,
    report           TEXT    NOT NULL,
    imported_by      INTEGER NOT NULL,
    imported_at      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);
