#!/usr/bin/env bash
# One holdfast-sync run over 1,000 due connections against the sandbox exchanges answering every request after
# 100 ms: wall time, CPU time and peak RSS of the run. A benchmark: it prints figures and stops by itself.
# Usage: Benchmarks/sync.sh [connections] [concurrency]      (BIN_DIR: release binaries; BENCH_PORT_BASE: 17400)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/Benchmarks/lib/sandbox.sh"
count=${1:-1000}
concurrency=${2:-8}
bin=${BIN_DIR:-$root/.build/release}
state=$root/state/bench-sync
base=${BENCH_PORT_BASE:-17400}
rm -rf "$state" && mkdir -p "$state"

# 200 accounts per exchange (a key each), every exchange 100 ms slow.
bench_fixture "$bin" "$state/fixture.json" 200 --latency-ms 100
bench_sandbox_start "$bin" "$state/fixture.json" "$base" "$state/sandbox.log"
trap bench_sandbox_stop EXIT

export HOLDFAST_DATABASE=$state/holdfast.sqlite HOLDFAST_MIGRATIONS_DIR=$root/Migrations
export ENCRYPTION_KEY=$(openssl rand -hex 32)
bench_point_at_sandbox "$bin" "$base"
bench_seed "$bin" "$state/fixture.json" "$count"

status=0
python3 "$root/Benchmarks/lib/timers.py" "$bin/holdfast-sync" "$state/sync" --timers 1 --concurrency "$concurrency" \
  --title "holdfast-sync: $count due connections, concurrency $concurrency, 100 ms per exchange request (targets: wall <= 15 s, peak RSS <= 100 MB)" || status=$?
bench_sandbox_stats "$base"
exit $status
