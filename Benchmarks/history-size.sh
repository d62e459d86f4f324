#!/usr/bin/env bash
# The value history's size and read time: one year for one user with 20 connections (a snapshot an hour per
# connection, a value point and 60 asset prices every 5 minutes) written through the history stores into a fresh
# SQLite file and thinned as the timer thins it; prints the rows kept, the median time of the 1-year history read
# at 1h, and the file's size. A benchmark: it prints figures and stops by itself (targets, issue 13: <= 50 MB,
# <= 20 ms server time).
# Usage: Benchmarks/history-size.sh [days]      (BIN_DIR: release binaries)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
days=${1:-365}
bin=${BIN_DIR:-$root/.build/release}
state=$root/state/bench-history
rm -rf "$state" && mkdir -p "$state"

export HOLDFAST_DATABASE=$state/holdfast.sqlite HOLDFAST_MIGRATIONS_DIR=$root/Migrations
"$bin/holdfast" migrate >/dev/null
"$bin/holdfast-bench" history-size --days "$days"
# The process is gone, so its WAL was checkpointed into the file; count both in case it was not.
bytes=$(( $(stat -c %s "$HOLDFAST_DATABASE") + $( [ -f "$HOLDFAST_DATABASE-wal" ] && stat -c %s "$HOLDFAST_DATABASE-wal" || echo 0) ))
echo "SQLite file: $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB (file and WAL)"
python3 - "$HOLDFAST_DATABASE" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
page = db.execute("PRAGMA page_size").fetchone()[0]
free = db.execute("PRAGMA freelist_count").fetchone()[0]
print(f"  of which free pages (reused by later writes): {free * page / 1048576:.1f} MB")
try:
    sizes = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
except sqlite3.OperationalError:
    sizes = []  # no dbstat in this SQLite build
for name, size in sizes:
    if size >= 1048576 / 10:
        print(f"  {name}: {size / 1048576:.1f} MB")
PY
