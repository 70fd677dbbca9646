-- Audit actors were written as people read them ("alice", "user 42", "Herald"); they are now
-- written as values read back into a type: moderator:NAME, user:ID, operator, system.
UPDATE audit_log SET actor = 'user:' || substr(actor, 6) WHERE actor LIKE 'user %';
UPDATE audit_log SET actor = 'system' WHERE actor = 'Herald';
UPDATE audit_log SET actor = 'moderator:' || actor
    WHERE actor NOT LIKE 'user:%' AND actor NOT IN ('system', 'operator');
