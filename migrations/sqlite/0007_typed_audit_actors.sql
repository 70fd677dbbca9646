-- Audit actors were written as people read them ("alice", "user 42", "Herald", "operator");
-- they are now written as values read back into a type: moderator:NAME, user:ID, operator,
-- system. Moderators first, so one named "system" stays a moderator.
UPDATE audit_log SET actor = 'moderator:' || actor
    WHERE actor NOT LIKE 'user %' AND actor NOT IN ('Herald', 'operator');
UPDATE audit_log SET actor = 'user:' || substr(actor, 6) WHERE actor LIKE 'user %';
UPDATE audit_log SET actor = 'system' WHERE actor = 'Herald';
