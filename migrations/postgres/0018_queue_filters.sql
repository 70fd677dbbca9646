-- The review queue's filters read indexes only: each version's flag kinds as bits (the store's
-- `flag_bits` numbers them; never renumber), and covering indexes over what the filters test.
ALTER TABLE submissions ADD COLUMN flag_kinds BIGINT NOT NULL DEFAULT 0;
UPDATE submissions SET flag_kinds =
      (CASE WHEN flags LIKE '%"kind":"missing_opt_out"%' THEN 1 ELSE 0 END)
    + (CASE WHEN flags LIKE '%"kind":"link_shortener"%' THEN 2 ELSE 0 END)
    + (CASE WHEN flags LIKE '%"kind":"suspicious_link"%' THEN 4 ELSE 0 END)
    + (CASE WHEN flags LIKE '%"kind":"all_caps"%' THEN 8 ELSE 0 END)
    + (CASE WHEN flags LIKE '%"kind":"outside_sending_window"%' THEN 16 ELSE 0 END)
    + (CASE WHEN flags LIKE '%"kind":"sender_rule"%' THEN 32 ELSE 0 END)
    + (CASE WHEN flags LIKE '%"kind":"first_campaign"%' THEN 64 ELSE 0 END);
DROP INDEX submissions_queue;
CREATE INDEX submissions_queue ON submissions (review, confirmed_at, campaign_id, version, send_at, flag_kinds);
CREATE INDEX campaigns_queue ON campaigns (id, latest_version, state, account_id, name_key);

-- What an import said about the recipients it kept and left out (JSON), shown to moderators.
ALTER TABLE recipient_lists ADD COLUMN report TEXT;
