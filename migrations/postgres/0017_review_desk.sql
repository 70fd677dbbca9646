-- The console's second version: claims on the versions moderators open, refusal reasons kept
-- for reuse, what moderators change in the console itself, the Discord names the bot sees,
-- the moderators' channel and its reminders.
CREATE TABLE review_claims (
    campaign_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL,
    moderator TEXT NOT NULL,
    claimed_until BIGINT NOT NULL
);

CREATE TABLE canned_reasons (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label TEXT NOT NULL,
    -- The label in lower case: two reasons can't be told apart by case alone.
    label_key TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL CHECK (code IN ('technical', 'code_of_conduct')),
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE console_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    moderator TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE TABLE discord_names (
    account_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);

CREATE TABLE review_reminders (
    campaign_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    reminded_at BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, version)
);

-- Settings of the whole deployment, set from Discord or the console (the moderators' channel).
CREATE TABLE deployment_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
