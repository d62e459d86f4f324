-- Timers claim the next due connection one at a time (issue 12: several timers, on several hosts): never
-- attempted first, then the oldest next attempt. This index is that order (`NULLS FIRST` as the claim's ORDER BY
-- says; PostgreSQL sorts NULLs last by default), so each claim stops at the first due row without a live lease.
CREATE INDEX exchange_connections_next_due ON exchange_connections(next_attempt_at NULLS FIRST, id);
