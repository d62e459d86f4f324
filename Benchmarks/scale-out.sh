#!/usr/bin/env bash
# Scale-out: 10,000 due connections spread over five sandbox exchanges that answer every request after 100 ms,
#   (a) one holdfast-sync on a SQLite file, against
#   (b) three holdfast-sync processes started together on one PostgreSQL database, each naming its own egress
#       address (HOLDFAST_EGRESS_ID), with the same --concurrency per timer,
# both with request budgets raised so they do not bind; then
#   (c) the three timers again with the published budgets, behind one egress address (one HOLDFAST_EGRESS_ID,
#       as hosts behind one NAT address set it), so the budgets bind: connections are deferred, not failed.
#       BENCH_BINDING_EGRESS=distinct gives each timer its own address (and budget) instead.
# Prints per run: wall time, CPU (user + sys) and CPU per synced connection, peak RSS per timer, PostgreSQL's own
# CPU and its serialization failures, requests per exchange, the summary lines; then the ratio (b)/(a) against
# the 40 % target. A benchmark: it prints figures and stops by itself. Its length is the PostgreSQL timers':
# on the shared 2-core development machine 2,000 connections took 6 1/2 minutes for (a), (b) and a (c) with
# distinct addresses, the binding (c) 5 more, and 10,000 would take over half an hour there (BENCHMARKS.md §3c).
#
# Usage: Benchmarks/scale-out.sh [connections] [concurrency]    (default 10000, 8; use a few hundred for trials)
# Environment: BIN_DIR (release binaries), BENCH_PORT_BASE (sandbox ports base+1…, default 17300),
#   BENCH_RUNS (which runs, default "a b c"; "p" adds one timer on PostgreSQL, which tells what the backend costs
#   apart from what three timers contending cost), HOLDFAST_POSTGRES_DIR (the throwaway cluster of
#   scripts/postgres.sh; started when not running and then stopped at the end).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/Benchmarks/lib/sandbox.sh"
count=${1:-10000}
concurrency=${2:-8}
bin=${BIN_DIR:-$root/.build/release}
base=${BENCH_PORT_BASE:-17300}
runs=${BENCH_RUNS:-a b c}
timers=3
state=$root/state/bench-scale-out
rm -rf "$state" && mkdir -p "$state"
per_exchange=$(( (count + ${#bench_exchanges[@]} - 1) / ${#bench_exchanges[@]} ))

# Budgets that do not bind: Holdfast's own Binance limits (the only per-IP pools a sync spends from; per-key
# pools never bind, every connection has its own key) and the sandbox's Binance weight limit, far above what
# 10,000 syncs spend in a minute.
unbound=1000000
# With the published budgets: behind one address the sandbox holds the published 6,000 Binance weight a minute;
# three timers with addresses of their own stand for three hosts, so the sandbox (one address here) holds 6,000
# once per host and refuses nothing three real addresses would not. Either way a 429 would be Holdfast's fault.
binding_egress=${BENCH_BINDING_EGRESS:-shared}
case $binding_egress in
  shared) bound_sandbox=6000; binding_egress_option=(--egress-id bench-nat) ;;
  distinct) bound_sandbox=$((timers * 6000)); binding_egress_option=(--egress-ids) ;;
  *) echo "BENCH_BINDING_EGRESS must be shared or distinct" >&2; exit 2 ;;
esac

export HOLDFAST_MIGRATIONS_DIR=$root/Migrations ENCRYPTION_KEY=$(openssl rand -hex 32)
export HOLDFAST_LOG_LEVEL=info
bench_point_at_sandbox "$bin" "$base"

postgres_started=
cleanup() {
  bench_sandbox_stop
  if [ -n "$postgres_started" ]; then "$root/scripts/postgres.sh" stop || true; fi
}
trap cleanup EXIT

# start_sandbox WEIGHT_LIMIT: a sandbox of $per_exchange accounts per exchange with this Binance weight limit.
start_sandbox() {
  bench_sandbox_stop
  bench_fixture "$bin" "$state/fixture-$1.json" "$per_exchange" --latency-ms 100 --binance-weight-limit "$1"
  bench_sandbox_start "$bin" "$state/fixture-$1.json" "$base" "$state/sandbox-$1.log"
  fixture=$state/fixture-$1.json
}

# fresh_postgres NAME: an empty database NAME in the throwaway cluster; exports HOLDFAST_DATABASE as its URL.
fresh_postgres() {
  if ! "$root/scripts/postgres.sh" status >/dev/null 2>&1; then
    "$root/scripts/postgres.sh" start >/dev/null
    postgres_started=1
  fi
  local admin; admin=$("$root/scripts/postgres.sh" url)
  PGOPTIONS=--client-min-messages=warning psql "$admin" -Atqc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
  psql "$admin" -Atqc "CREATE DATABASE $1" >/dev/null
  export HOLDFAST_DATABASE=${admin%/*}/$1
  postgres_dir=${HOLDFAST_POSTGRES_DIR:-$root/state/postgres}
}

# measure RUN TITLE TIMERS [timers.py options…]: seeds $count connections into HOLDFAST_DATABASE, zeroes the
# sandbox's counts, runs the timers and prints their figures and the requests per exchange.
measure() {
  local run=$1 title=$2 n=$3; shift 3
  bench_seed "$bin" "$fixture" "$count"
  bench_sandbox_reset "$base"
  echo
  python3 "$root/Benchmarks/lib/timers.py" "$bin/holdfast-sync" "$state/$run-sync" --timers "$n" \
    --concurrency "$concurrency" --json "$state/$run.json" --title "$title" "$@" || echo "  (a timer exited non-zero)"
  bench_sandbox_stats "$base" | sed 's/^/  /'
  curl -fsS "http://127.0.0.1:$((base + 1))/__sandbox/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("  binance weight: highest %d in a minute of the sandbox limit %d; 429 answers %d"
      % (s["maxWeightPerMinute"], s["weightLimit"], s["weightRefusals"]))'
}

echo "scale-out: $count due connections ($per_exchange per exchange: ${bench_exchanges[*]}), 100 ms per request," \
     "--concurrency $concurrency per timer; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ " $runs " == *" a "* || " $runs " == *" b "* || " $runs " == *" p "* ]]; then
  start_sandbox "$unbound"
  export HOLDFAST_BINANCE_WEIGHT_PER_MINUTE=$unbound HOLDFAST_BINANCE_SAPI_WEIGHT_PER_MINUTE=$unbound
fi
if [[ " $runs " == *" a "* ]]; then
  export HOLDFAST_DATABASE=$state/holdfast.sqlite
  measure a "(a) one timer, SQLite, budgets not binding" 1
fi
if [[ " $runs " == *" p "* ]]; then
  fresh_postgres holdfast_bench_scale_out
  measure p "(p) one timer, PostgreSQL, budgets not binding" 1 --egress-ids --postgres-dir "$postgres_dir"
fi
if [[ " $runs " == *" b "* ]]; then
  fresh_postgres holdfast_bench_scale_out
  measure b "(b) $timers timers, PostgreSQL, budgets not binding" "$timers" --egress-ids --postgres-dir "$postgres_dir"
fi
if [[ " $runs " == *" c "* ]]; then
  start_sandbox "$bound_sandbox"
  unset HOLDFAST_BINANCE_WEIGHT_PER_MINUTE HOLDFAST_BINANCE_SAPI_WEIGHT_PER_MINUTE
  fresh_postgres holdfast_bench_scale_out
  measure c "(c) $timers timers, PostgreSQL, published budgets, $binding_egress egress address" "$timers" \
    "${binding_egress_option[@]}" --postgres-dir "$postgres_dir"
fi

if [ -f "$state/a.json" ] && [ -f "$state/b.json" ]; then
  python3 - "$state/a.json" "$state/b.json" "$timers" <<'PY'
import json, sys
a, b, timers = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
ratio = b["wall"] / a["wall"]
print()
print(f"ratio (b)/(a)  : {ratio * 100:.1f} % of the one-timer wall time ({b['wall']:.2f} s / {a['wall']:.2f} s);"
      f" target <= 40 %: {'met' if ratio <= 0.40 else 'MISSED'}")
total_b = b["cpu"] + (b["server_cpu"] or 0)
print(f"CPU            : (a) {a['cpu']:.2f} s; (b) {b['cpu']:.2f} s in the timers + {b['server_cpu'] or 0:.2f} s in"
      f" PostgreSQL = {total_b:.2f} s")
PY
fi
