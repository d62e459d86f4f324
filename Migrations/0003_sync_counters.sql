-- Cumulative sync counters for /metrics (Prometheus counters must only grow; the history table is trimmed).
CREATE TABLE sync_counters (
    exchange   TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    error_code TEXT NOT NULL DEFAULT '',
    count      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (exchange, outcome, error_code)
);
