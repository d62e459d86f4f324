#!/usr/bin/env bash
# One holdfast-sync run over 1,000 due connections against the sandbox exchanges answering every request after
# 100 ms: wall time, CPU time and peak RSS of the run. A benchmark: it prints figures and stops by itself.
# Usage: Benchmarks/sync.sh [connections] [concurrency]      (BIN_DIR: release binaries)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1000}
concurrency=${2:-8}
bin=${BIN_DIR:-$root/.build/release}
state=$root/state/bench-sync
base=17400
rm -rf "$state" && mkdir -p "$state"

# 200 accounts per exchange, cloned from the demo fixture, every exchange 100 ms slow.
"$bin/holdfast-sandbox" --print-fixture | python3 -c '
import json, sys
demo = json.load(sys.stdin)
accounts = []
for template in {a["exchange"]: a for a in reversed(demo["accounts"])}.values():
    for n in range(200):
        a = dict(template, faults=None, label=f"bench {n}")
        a.pop("pageSize", None)  # one page of accounts, as a typical Coinbase user has
        ex = a["exchange"]
        if ex == "coinbase":
            a["apiKey"] = f"organizations/00000000-0000-0000-0000-{n:012d}/apiKeys/bench-{n}"
        elif ex == "kucoin":
            a["apiKey"] = f"{n:024x}"
        else:
            a["apiKey"] = a["apiKey"][:-6] + f"{n:06d}"
        accounts.append(a)
faults = {ex: {"latencyMs": 100} for ex in ["binance", "coinbase", "coinbaseexchange", "kraken", "kucoin"]}
json.dump({"accounts": accounts, "exchangeFaults": faults}, open(sys.argv[1], "w"))
' "$state/fixture.json"

"$bin/holdfast-sandbox" --fixture "$state/fixture.json" --port-base "$base" >"$state/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null; wait $sandbox 2>/dev/null' EXIT

export HOLDFAST_DATABASE=$state/holdfast.sqlite HOLDFAST_MIGRATIONS_DIR=$root/Migrations
export ENCRYPTION_KEY=$(openssl rand -hex 32)
i=1
for ex in BINANCE COINBASE COINBASEEXCHANGE KRAKEN KUCOIN; do export "HOLDFAST_${ex}_BASE_URL=http://127.0.0.1:$((base + i))"; i=$((i + 1)); done
"$bin/holdfast" migrate >/dev/null
printf '%s\n' 'benchmark password 1' | "$bin/holdfast" user add bench@example.com >/dev/null
"$bin/holdfast-bench" seed-connections --count "$count" --user bench@example.com --fixture "$state/fixture.json" >/dev/null
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$((base + 1))/api/v3/time" >/dev/null 2>&1 && break; sleep 0.1; done

python3 - "$bin/holdfast-sync" "$concurrency" "$state/sync.log" "$count" <<'PY'
import resource, subprocess, sys, time
binary, concurrency, log, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
started = time.monotonic()
with open(log, "w") as out:
    code = subprocess.run([binary, "--concurrency", concurrency], stderr=out, stdout=out).returncode
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
summary = [l for l in open(log) if "sync run finished" in l]
print(f"holdfast-sync: {count} due connections, concurrency {concurrency}, 100 ms per exchange request")
print(f"exit code      : {code}")
print(f"summary        : {summary[-1].strip() if summary else 'missing'}")
print(f"wall time      : {wall:.2f} s   (target <= 15 s)")
print(f"CPU time       : {usage.ru_utime + usage.ru_stime:.2f} s (user {usage.ru_utime:.2f} + sys {usage.ru_stime:.2f})")
print(f"peak RSS       : {usage.ru_maxrss / 1024:.1f} MiB   (target <= 100 MB)")
PY
names=(binance coinbase coinbaseexchange kraken kucoin)
for i in 1 2 3 4 5; do
  curl -fsS "http://127.0.0.1:$((base + i))/__sandbox/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("sandbox        : %-17s %5d requests, at most %d at once" % (sys.argv[1], s["requests"], s["maxInFlight"]))' "${names[$((i - 1))]}"
done
