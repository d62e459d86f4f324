-- Per-account login throttle, beside nginx's per-address limit: failed logins counted per email, so many
-- addresses guessing one account's password are slowed down too. PostgreSQL dialect of ../0004_login_throttle.sql.
--
-- key is HMAC-SHA256 of the normalized (trimmed, lowercased) email under a key derived from JWT_SECRET: the
-- table records attempts for unknown emails exactly like known ones (and people sometimes type a password
-- into the email field), so it never holds an attempted address in the clear.
CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL CHECK (failures > 0),
    last_failure_at TEXT NOT NULL,
    -- While in the future, logins for this key are refused without checking the password.
    locked_until    TEXT
);
-- Rows of old failures are pruned on every write, by this column.
CREATE INDEX login_throttle_last_failure ON login_throttle(last_failure_at);
