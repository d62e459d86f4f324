"""Driving the sandbox exchanges from tests: per-test accounts, faults and balances, over the admin API."""
import http.client
import itertools
import json
import os
import subprocess

from conftest import BIN

PORT_BASE = int(os.environ.get("HOLDFAST_SANDBOX_PORT_BASE", "17100"))
EXCHANGES = ["binance", "coinbase", "coinbaseexchange", "kraken", "kucoin", "okx", "bybit", "bitvavo"]
PORTS = {name: PORT_BASE + 1 + i for i, name in enumerate(EXCHANGES)}
_unique = itertools.count(1)


def demo_accounts():
    out = subprocess.run([str(BIN / "holdfast-sandbox"), "--print-fixture"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["accounts"]


DEMO = demo_accounts()


def admin(exchange, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORTS[exchange], timeout=10)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status == 200, (resp.status, data)
        return json.loads(data) if data else None
    finally:
        conn.close()


def new_account(exchange, balances=None, **extra):
    """Adds a fresh account to the sandbox (a copy of the demo account's key material with a unique key id)
    and returns it, so a test's faults and balance changes touch nobody else."""
    template = dict([a for a in DEMO if a["exchange"] == exchange][0])
    n = next(_unique)
    key = template["apiKey"]
    if exchange == "coinbase":
        # A CDP key name; the private key (apiSecret) is shared, the name makes the account distinct.
        key = f"organizations/11111111-2222-3333-4444-{os.getpid():06d}{n:06d}/apiKeys/test-{n}"
    elif exchange == "kucoin":
        key = f"{os.getpid():08x}{n:016x}"[:24]
    elif exchange == "bitvavo":
        # Bitvavo keys are exactly 64 characters (else errorCode 301): 40 hex of the demo key + pid + counter.
        key = f"{key[:40]}{os.getpid() % 16**8:08x}{n:016x}"
    else:
        key = (key[:-12] + f"{os.getpid() % 10**6:06d}{n:06d}")
    account = {**template, "apiKey": key, "label": f"test account {n}", "faults": None}
    account.pop("pageSize", None) if exchange != "coinbase" else None
    if balances is not None:
        # The account holds exactly these: the demo's wallets beyond the main one go too (pass binanceWallets=…,
        # okx=…, bybit=…, bitvavo=… for an exchange's own wallets).
        account["balances"] = balances
        for wallets in ("binanceWallets", "okx", "bybit", "bitvavo"):
            account.pop(wallets, None)
    account.update(extra)
    admin(exchange, "POST", "/__sandbox/fixture", {"account": account})
    return account


def set_faults(exchange, account, **faults):
    admin(exchange, "POST", "/__sandbox/fixture", {"apiKey": account["apiKey"], "faults": faults})


def clear_faults(exchange, account):
    admin(exchange, "POST", "/__sandbox/fixture", {"apiKey": account["apiKey"], "clearFaults": True})


def set_balances(exchange, account, balances):
    admin(exchange, "POST", "/__sandbox/fixture", {"apiKey": account["apiKey"], "balances": balances})


def credentials(account, **override):
    body = {"exchange": account["exchange"], "apiKey": account["apiKey"], "apiSecret": account["apiSecret"]}
    if account.get("passphrase"):
        body["passphrase"] = account["passphrase"]
    if account.get("region"):
        # OKX and Bybit keys belong to one regional host: connect them where they were issued.
        body["region"] = account["region"]
    body.update(override)
    return body
