-- Holdfast schema, version 1. Shipped migrations are immutable: change the schema with a new file.
-- Timestamps are ISO 8601 UTC text with milliseconds; amounts are exact decimal text, never REAL.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- A login session; the JWT names it (claim `sid`) so logout can revoke it before the token expires.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE exchange_connections (
    id                   TEXT PRIMARY KEY,
    user_id              TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    exchange             TEXT NOT NULL,
    label                TEXT,
    api_key_encrypted    TEXT NOT NULL,
    api_secret_encrypted TEXT NOT NULL,
    passphrase_encrypted TEXT,
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'error')),
    last_sync_at         TEXT,
    last_error           TEXT,
    auto_sync            INTEGER NOT NULL DEFAULT 1 CHECK (auto_sync IN (0, 1)),
    sync_interval        INTEGER NOT NULL DEFAULT 300 CHECK (sync_interval > 0),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX exchange_connections_user ON exchange_connections(user_id);

-- A portfolio belongs to a user; one created for an exchange connection is owned by it and goes with it.
CREATE TABLE portfolios (
    id                     TEXT PRIMARY KEY,
    user_id                TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    exchange_connection_id TEXT UNIQUE REFERENCES exchange_connections(id) ON DELETE CASCADE,
    name                   TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX portfolios_user ON portfolios(user_id);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    symbol     TEXT NOT NULL UNIQUE,
    name       TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE holdings (
    id           INTEGER PRIMARY KEY,
    portfolio_id TEXT NOT NULL REFERENCES portfolios(id) ON DELETE CASCADE,
    token_id     INTEGER NOT NULL REFERENCES tokens(id),
    amount       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (portfolio_id, token_id)
);
