-- When a message was first handed to the gateway, for per-recipient results (its final report
-- time is updated_at once its status is final: a final status never changes again).
ALTER TABLE deliveries ADD COLUMN first_submitted_at INTEGER;
