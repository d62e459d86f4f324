-- Cumulative sync counters for /metrics (Prometheus counters must only grow; the history table is trimmed).
-- PostgreSQL dialect of ../0003_sync_counters.sql.
CREATE TABLE sync_counters (
    exchange   TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    error_code TEXT NOT NULL DEFAULT '',
    count      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (exchange, outcome, error_code)
);
