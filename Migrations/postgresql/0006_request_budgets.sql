-- Exchange request budgets shared by every process on the host (responder workers and the timer send from
-- the same IP; Binance counts request weight per IP, Kraken per key): one row per budget scope.
-- PostgreSQL dialect of ../0006_request_budgets.sql.
--
-- scope is e.g. "binance-api api.binance.com" or "kraken-private api.kraken.com <sha256 prefix of the key>";
-- it never holds an API key. Units are thousandths of the exchange's own unit, times are ms since the epoch.
CREATE TABLE request_budgets (
    scope            TEXT PRIMARY KEY,
    used_milli       BIGINT NOT NULL DEFAULT 0 CHECK (used_milli >= 0),
    -- Start of the current window (fixed windows) or time of the last decay (decaying counters).
    mark_ms          BIGINT NOT NULL DEFAULT 0,
    -- While in the future, no request is sent in this scope (the exchange answered 429/418 with Retry-After).
    blocked_until_ms BIGINT NOT NULL DEFAULT 0,
    updated_ms       BIGINT NOT NULL
);
-- Rows of keys not used for a day are pruned on write, by this column.
CREATE INDEX request_budgets_updated ON request_budgets(updated_ms);

-- Scheduled syncs the request budget deferred, per exchange, for /metrics (a counter: only grows). Kept apart
-- from sync_counters, whose outcomes are attempts (success/failure); a deferral is not an attempt.
CREATE TABLE sync_deferrals (
    exchange TEXT PRIMARY KEY,
    count    BIGINT NOT NULL DEFAULT 0
);
