-- Sign-in attempts are reserved before the password is checked: the reservation is a failure
-- row, counted with the others, and removed again if the password was right. `attempt` names
-- the reservation.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_by_attempt ON login_failures (attempt);

-- One row per subject ('address:…', 'moderator:…'), written first in a reservation: concurrent
-- attempts on one subject queue on that row, so each counts the failures of those before it.
CREATE TABLE login_subjects (
    subject          TEXT    PRIMARY KEY
);
