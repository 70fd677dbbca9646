-- Why each number is on an opt-out list, and who put it there by hand. Rows written before
-- came from STOP replies, the only way in so far.
ALTER TABLE opt_outs ADD COLUMN reason TEXT NOT NULL DEFAULT 'stop'
    CHECK (reason IN ('stop', 'imported', 'manual', 'permanent_failure'));
ALTER TABLE opt_outs ADD COLUMN added_by TEXT;
