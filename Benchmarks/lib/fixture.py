"""Writes a sandbox fixture for the timer benchmarks: PER_EXCHANGE accounts on each of five exchanges, cloned
from the sandbox's demo fixture (read on stdin), each with a key of its own, every exchange answering after
LATENCY_MS. Per-key budgets (Kraken's counter, Coinbase's per-user limits) never bind because no key is
shared; per-IP budgets are the caller's business (--binance-weight-limit sets the sandbox's one).

Usage: holdfast-sandbox --print-fixture | python3 fixture.py OUT PER_EXCHANGE [--latency-ms 100]
                                                             [--binance-weight-limit N]
"""
import argparse
import json
import sys

# The exchanges the timer benchmarks spread connections over (the sandbox ports base+1 … base+5).
EXCHANGES = ["binance", "coinbase", "coinbaseexchange", "kraken", "kucoin"]


def unique_key(exchange, template_key, n):
    """A key of the exchange's own shape that differs per account (the sandbox looks accounts up by key)."""
    if exchange == "coinbase":
        return f"organizations/00000000-0000-0000-0000-{n:012d}/apiKeys/bench-{n}"
    if exchange == "kucoin":
        return f"{n:024x}"
    return template_key[:-6] + f"{n:06d}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("per_exchange", type=int)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--binance-weight-limit", type=int)
    args = parser.parse_args()

    demo = json.load(sys.stdin)
    # The first demo account of each exchange (Binance's has the Simple Earn and funding wallets).
    templates = {a["exchange"]: a for a in reversed(demo["accounts"]) if a["exchange"] in EXCHANGES}
    accounts = []
    # Exchange by exchange in turn, so the first N connections seeded (which take the accounts in order) spread
    # over every exchange whatever N is.
    for n in range(args.per_exchange):
        for exchange in EXCHANGES:
            template = templates[exchange]
            account = dict(template, faults=None, label=f"bench {n}",
                           apiKey=unique_key(exchange, template["apiKey"], n))
            account.pop("pageSize", None)  # one page of accounts, as a typical Coinbase user has
            accounts.append(account)
    faults = {exchange: {"latencyMs": args.latency_ms} for exchange in EXCHANGES}
    if args.binance_weight_limit:
        faults["binance"]["weightLimit"] = args.binance_weight_limit
    with open(args.out, "w") as out:
        json.dump({"accounts": accounts, "exchangeFaults": faults}, out)


if __name__ == "__main__":
    main()
