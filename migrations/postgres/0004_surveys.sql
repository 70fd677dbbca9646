-- "How was your experience?": one survey per finished interaction, answered once.
CREATE TABLE surveys (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- What asked (e.g. 'outbox:42'): a notification delivered twice still asks once.
    source           TEXT    NOT NULL UNIQUE,
    account_id       BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    subject          TEXT    NOT NULL,
    offered_at       BIGINT  NOT NULL,
    rating           BIGINT  CHECK (rating BETWEEN 1 AND 5),
    answered_at      BIGINT
);
CREATE INDEX surveys_by_person ON surveys (account_id, user_id, offered_at);

-- Public reviews, each given with explicit consent to publish; moderators can unpublish.
CREATE TABLE reviews (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id        BIGINT  NOT NULL UNIQUE REFERENCES surveys (id),
    account_id       BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    rating           BIGINT  NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body             TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    unpublished_by   TEXT,
    unpublished_at   BIGINT
);

-- Per server: how often a person may be asked, and whether raters are invited to review publicly.
ALTER TABLE accounts ADD COLUMN survey_fatigue_days BIGINT  NOT NULL DEFAULT 14 CHECK (survey_fatigue_days >= 0);
ALTER TABLE accounts ADD COLUMN public_review_invitation BIGINT  NOT NULL DEFAULT 1 CHECK (public_review_invitation IN (0, 1));
