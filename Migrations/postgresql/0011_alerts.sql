-- Alerts (issue 15); PostgreSQL dialect of ../0011_alerts.sql: a user's channels (webhook, ntfy), the state of
-- each connection's alert conditions (one alert per change, never one per run), and the delivery log the timer
-- works through.

-- A channel alerts are sent to. `secret_encrypted` is the webhook's HMAC key or the ntfy access token, sealed by
-- the vault for field `alert_secret` of this channel's id (NULL: an ntfy topic without a token).
CREATE TABLE alert_channels (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('webhook', 'ntfy')),
    url              TEXT NOT NULL,
    secret_encrypted TEXT,
    enabled          BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at       TEXT NOT NULL
);
CREATE INDEX alert_channels_user ON alert_channels(user_id);

-- A user's alert settings; no row means the defaults.
CREATE TABLE alert_settings (
    user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    stale_hours BIGINT NOT NULL DEFAULT 24 CHECK (stale_hours BETWEEN 1 AND 720)
);

-- Whether a connection's condition (`needs_attention`, `stale`, `key_expiring`) is raised, as last alerted: the
-- timer compares it with the connection and queues an alert only when it changes. No row: not raised.
CREATE TABLE alert_states (
    connection_id TEXT NOT NULL REFERENCES exchange_connections(id) ON DELETE CASCADE,
    condition     TEXT NOT NULL CHECK (condition IN ('needs_attention', 'stale', 'key_expiring')),
    raised        BIGINT NOT NULL CHECK (raised IN (0, 1)),
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (connection_id, condition)
);

-- One alert to one channel: `body` is the JSON sent, byte for byte (the signature covers it); never a secret.
-- `status`: pending (not tried yet), delivered, failed (the last try failed; tried again at `next_attempt_at`,
-- NULL once given up). `claimed_until`: a timer or responder is sending it until then.
CREATE TABLE alert_deliveries (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    next_attempt_at TEXT,
    claimed_until   TEXT,
    error_code      TEXT,
    error_message   TEXT
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(next_attempt_at);
CREATE INDEX alert_deliveries_user ON alert_deliveries(user_id, created_at);
CREATE INDEX alert_deliveries_channel ON alert_deliveries(channel_id, created_at);
