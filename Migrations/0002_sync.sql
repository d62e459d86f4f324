-- Sync engine state: per-connection scheduling and backoff, leases, sync history, Kraken nonces.

ALTER TABLE exchange_connections ADD COLUMN last_error_code TEXT;
ALTER TABLE exchange_connections ADD COLUMN last_attempt_at TEXT;
-- When the scheduler may try next (set from sync_interval after success, from the backoff after a failure).
ALTER TABLE exchange_connections ADD COLUMN next_attempt_at TEXT;
ALTER TABLE exchange_connections ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
-- Credential or permission failures stop automatic retries until the user edits or syncs by hand.
ALTER TABLE exchange_connections ADD COLUMN needs_attention INTEGER NOT NULL DEFAULT 0 CHECK (needs_attention IN (0, 1));
-- What the exchange said the key may do, as JSON ({"canRead","canTrade","canWithdraw"}), when it says.
ALTER TABLE exchange_connections ADD COLUMN permissions TEXT;
-- The last four characters of the API key, so people can tell keys apart without any secret shown.
ALTER TABLE exchange_connections ADD COLUMN api_key_hint TEXT;
CREATE INDEX exchange_connections_due ON exchange_connections(status, auto_sync, next_attempt_at);

ALTER TABLE holdings ADD COLUMN free TEXT;
ALTER TABLE holdings ADD COLUMN locked TEXT;

-- One sync per connection at a time, across the responder and the timer. A lease expires, so a crashed
-- process never blocks a connection for good.
CREATE TABLE sync_leases (
    connection_id TEXT PRIMARY KEY REFERENCES exchange_connections(id) ON DELETE CASCADE,
    holder        TEXT NOT NULL,
    acquired_at   TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);

CREATE TABLE sync_runs (
    id            INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES exchange_connections(id) ON DELETE CASCADE,
    trigger       TEXT NOT NULL CHECK (trigger IN ('connect', 'manual', 'scheduled')),
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    error_code    TEXT,
    error_message TEXT,
    asset_count   INTEGER,
    duration_ms   INTEGER NOT NULL
);
CREATE INDEX sync_runs_connection ON sync_runs(connection_id, started_at);

-- Kraken needs strictly increasing nonces per API key across every process using it.
CREATE TABLE exchange_nonces (
    key_hash   TEXT PRIMARY KEY,
    last_nonce INTEGER NOT NULL
);
