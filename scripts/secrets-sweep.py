#!/usr/bin/env python3
"""After the whole suite: search every log, captured response and database file the test stacks left for the
sentinel credentials the tests used. Any hit fails. Usage: scripts/secrets-sweep.py STATE_DIR [BIN_DIR]"""
import json
import subprocess
import sys
from pathlib import Path

state = Path(sys.argv[1])
binaries = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[1] / ".build" / "release"

fixture = json.loads(subprocess.run([str(binaries / "holdfast-sandbox"), "--print-fixture"], capture_output=True, text=True, check=True).stdout)
sentinels = {"correct horse battery staple": "a test user's password"}
for account in fixture["accounts"]:
    name = f"{account['exchange']} demo account"
    sentinels[account["apiSecret"]] = f"{name} secret"
    # PEM keys: the base64 body line is the secret part.
    for line in account["apiSecret"].splitlines():
        if len(line) > 40 and not line.startswith("-----"):
            sentinels[line] = f"{name} private key"
    if account.get("passphrase"):
        sentinels[account["passphrase"]] = f"{name} passphrase"
    if account["exchange"] not in ("coinbase", "kucoin"):  # CDP key names are not secret; KuCoin test keys are generated
        sentinels[account["apiKey"][:24]] = f"{name} API key"
for env_file in state.rglob("holdfast.env"):
    for line in env_file.read_text().splitlines():
        if line.startswith(("JWT_SECRET=", "ENCRYPTION_KEY=")):
            sentinels[line.split("=", 1)[1]] = f"{line.split('=')[0]} of {env_file.parent.name}"

# Files that hold credentials by design: the generated settings and the sandbox's own fixtures (the benchmarks'
# `fixture-<n>.json` and the multi-host test's `multihost-accounts.json` are sandbox fixtures too).
by_design = {"holdfast.env", "demo-password", "sandbox-demo-accounts.json", "fixture.json", "key.pem"}


def holds_credentials_by_design(path):
    name = path.name
    return name in by_design or (name.startswith("fixture-") and name.endswith(".json")) or name.endswith("-accounts.json")


scanned, hits = 0, []
for path in sorted(p for p in state.rglob("*") if p.is_file() and not holds_credentials_by_design(p)):
    data = path.read_bytes()
    scanned += 1
    for sentinel, what in sentinels.items():
        if sentinel.encode() in data:
            hits.append(f"{path}: {what}")
print(f"secrets sweep: {scanned} files (logs, captured responses, databases), {len(sentinels)} sentinels, {len(hits)} hits")
for hit in hits:
    print("  " + hit)
sys.exit(1 if hits else 0)
