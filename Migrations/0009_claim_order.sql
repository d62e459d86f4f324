-- Timers claim the next due connection one at a time (issue 12: several timers, on several hosts): never
-- attempted first, then the oldest next attempt. This index is that order, so each claim stops at the first
-- due row without a live lease instead of sorting every connection. SQLite sorts NULLs first already.
CREATE INDEX exchange_connections_next_due ON exchange_connections(next_attempt_at, id);
