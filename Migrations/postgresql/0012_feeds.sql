-- Feeds (issue 15); PostgreSQL dialect of ../0012_feeds.sql. Each user's Ghostfolio feed, and what was pushed to it
-- per connection. The Ghostfolio import API is activity based, so Holdfast keeps per connection the quantities it last pushed and turns the change since
-- into BUY/SELL activities (README "Feeds").

-- A user's Ghostfolio: the base URL (http or https, checked against the outbound policy when set) and the security
-- token, sealed with the Vault like exchange keys (bound to "ghostfolio-feed:<user id>"), never returned.
CREATE TABLE ghostfolio_feeds (
    user_id         TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    token_encrypted TEXT NOT NULL,
    enabled         BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- One connection's pushes to its Ghostfolio account. `pushed` is JSON {"BTC":"0.5"}: the quantity per asset the
-- last successful push left in Ghostfolio; `pushed_cash` the cash balance it set. `pending` is the batch being
-- pushed (JSON, frozen with its date, prices and comments): a retry sends exactly it again, so Ghostfolio's duplicate
-- detection skips what already arrived and a position is never doubled. `synced_at` is the connection's last
-- successful sync the last push saw; `forced` asks for a push now. `claimed_until` is a timer's claim (one
-- statement), so with several timers each push is sent once.
CREATE TABLE ghostfolio_pushes (
    connection_id   TEXT PRIMARY KEY REFERENCES exchange_connections(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_id      TEXT,
    pushed          TEXT NOT NULL DEFAULT '{}',
    pushed_cash     TEXT,
    pending         TEXT,
    synced_at       TEXT,
    forced          BIGINT NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
    last_push_at    TEXT,
    last_success_at TEXT,
    error_code      TEXT,
    error_message   TEXT,
    failures        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_until   TEXT
);
CREATE INDEX ghostfolio_pushes_user ON ghostfolio_pushes(user_id);
