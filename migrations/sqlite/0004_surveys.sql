-- "How was your experience?": one survey per finished interaction, answered once.
CREATE TABLE surveys (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- What asked (e.g. 'outbox:42'): a notification delivered twice still asks once.
    source           TEXT    NOT NULL UNIQUE,
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    subject          TEXT    NOT NULL,
    offered_at       INTEGER NOT NULL,
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    answered_at      INTEGER
);
CREATE INDEX surveys_by_person ON surveys (account_id, user_id, offered_at);

-- Public reviews, each given with explicit consent to publish; moderators can unpublish.
CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id        INTEGER NOT NULL UNIQUE REFERENCES surveys (id),
    account_id       INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    rating           INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    unpublished_by   TEXT,
    unpublished_at   INTEGER
);

-- Per server: how often a person may be asked, and whether raters are invited to review publicly.
ALTER TABLE accounts ADD COLUMN survey_fatigue_days INTEGER NOT NULL DEFAULT 14 CHECK (survey_fatigue_days >= 0);
ALTER TABLE accounts ADD COLUMN public_review_invitation INTEGER NOT NULL DEFAULT 1 CHECK (public_review_invitation IN (0, 1));
