#!/usr/bin/env bash
# Exchange request budgets under load: 1,000 due Binance connections, a sandbox whose Binance weight limit is
# lowered to WEIGHT per minute, and two holdfast-sync processes started together (two processes on one IP, one
# budget in the database). Prints connections synced / deferred / failed and the sandbox's own highest weight
# used in any minute against its limit. A benchmark: it prints figures and stops by itself.
# Usage: Benchmarks/budget.sh [connections] [weight-per-minute]      (BIN_DIR: release binaries)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1000}
weight=${2:-2000}
bin=${BIN_DIR:-$root/.build/release}
state=$root/state/bench-budget
base=17400
rm -rf "$state" && mkdir -p "$state"

# $count Binance accounts cloned from the demo fixture; the sandbox's Binance weight limit lowered to $weight.
"$bin/holdfast-sandbox" --print-fixture | python3 -c '
import json, sys
demo, count, weight = json.load(sys.stdin), int(sys.argv[2]), int(sys.argv[3])
template = next(a for a in demo["accounts"] if a["exchange"] == "binance" and not a.get("publicKey"))
accounts = [dict(template, faults=None, label=f"bench {n}", apiKey=template["apiKey"][:-6] + f"{n:06d}") for n in range(count)]
json.dump({"accounts": accounts, "exchangeFaults": {"binance": {"weightLimit": weight}}}, open(sys.argv[1], "w"))
' "$state/fixture.json" "$count" "$weight"

"$bin/holdfast-sandbox" --fixture "$state/fixture.json" --port-base "$base" >"$state/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null; wait $sandbox 2>/dev/null' EXIT

export HOLDFAST_DATABASE=$state/holdfast.sqlite HOLDFAST_MIGRATIONS_DIR=$root/Migrations
export ENCRYPTION_KEY=$(openssl rand -hex 32)
# Holdfast is told the same limit the sandbox enforces (a host whose Binance limit is lower than published).
export HOLDFAST_BINANCE_WEIGHT_PER_MINUTE=$weight
i=1
for ex in BINANCE COINBASE COINBASEEXCHANGE KRAKEN KUCOIN; do export "HOLDFAST_${ex}_BASE_URL=http://127.0.0.1:$((base + i))"; i=$((i + 1)); done
"$bin/holdfast" migrate >/dev/null
printf '%s\n' 'benchmark password 1' | "$bin/holdfast" user add bench@example.com >/dev/null
"$bin/holdfast-bench" seed-connections --count "$count" --user bench@example.com --fixture "$state/fixture.json" >/dev/null
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$((base + 1))/__sandbox/stats" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X POST "http://127.0.0.1:$((base + 1))/__sandbox/stats/reset" >/dev/null

python3 - "$bin/holdfast-sync" "$state" "$count" "$weight" "http://127.0.0.1:$((base + 1))/__sandbox/stats" <<'PY'
import json, re, sqlite3, subprocess, sys, time, urllib.request
binary, state, count, weight, stats_url = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
started = time.monotonic()
logs = [open(f"{state}/sync-{n}.log", "w") for n in range(2)]
runs = [subprocess.Popen([binary, "--concurrency", "8"], stdout=log, stderr=log) for log in logs]
codes = [run.wait() for run in runs]
wall = time.monotonic() - started
totals = {"succeeded": 0, "deferred": 0, "failed": 0, "skipped_in_progress": 0}
for n in range(2):
    line = [l for l in open(f"{state}/sync-{n}.log") if "sync run finished" in l]
    for key in totals:
        found = re.search(rf"{key}=(\d+)", line[-1]) if line else None
        totals[key] += int(found.group(1)) if found else 0
stats = json.load(urllib.request.urlopen(stats_url))
# Per connection, from the database: the two processes' summaries count a connection each saw (one may defer
# what the other deferred too, or skip what the other holds).
db = sqlite3.connect(f"{state}/holdfast.sqlite")
synced, failed, deferred, runs = db.execute("""
    SELECT sum(last_sync_at IS NOT NULL), sum(last_error_code IS NOT NULL),
           sum(last_sync_at IS NULL AND last_error_code IS NULL AND next_attempt_at IS NOT NULL),
           (SELECT count(*) FROM sync_runs WHERE outcome = 'failure')
    FROM exchange_connections""").fetchone()
print(f"budget: {count} due Binance connections, limit {weight} weight/min (Holdfast uses 85 %), 2 holdfast-sync processes")
print(f"exit codes     : {codes}")
print(f"connections    : synced {synced}, deferred {deferred}, failed {failed} (of {count}; failure rows in sync_runs: {runs})")
print(f"run summaries  : succeeded {totals['succeeded']}, deferred {totals['deferred']}, failed {totals['failed']},"
      f" skipped (in progress in the other process) {totals['skipped_in_progress']}")
print(f"sandbox weight : highest {stats['maxWeightPerMinute']} in any minute vs limit {stats['weightLimit']}; "
      f"429 -1003 answers: {stats['weightRefusals']}")
print(f"wall time      : {wall:.2f} s")
PY
