-- A campaign's own ledger lines (its page, its results' refunds), read without the account's.
CREATE INDEX ledger_by_campaign ON ledger (campaign_id, id);
