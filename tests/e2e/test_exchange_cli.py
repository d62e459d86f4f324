"""`holdfast exchange balances` against the sandbox exchanges over real HTTP."""
import json
import subprocess

import pytest

from conftest import BIN, STATE, cli
from sandbox import new_account


def demo_accounts():
    out = subprocess.run([str(BIN / "holdfast-sandbox"), "--print-fixture"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["accounts"]


ACCOUNTS = {a["exchange"]: a for a in reversed(demo_accounts())}


@pytest.mark.parametrize("exchange", ["binance", "coinbase", "coinbaseexchange", "kraken", "kucoin", "okx", "bybit", "bitvavo"])
def test_balances_for_each_exchange(exchange):
    account = [a for a in demo_accounts() if a["exchange"] == exchange][0]
    stdin = json.dumps({"apiKey": account["apiKey"], "apiSecret": account["apiSecret"], "passphrase": account.get("passphrase"),
                        "region": account.get("region")})
    r = cli("exchange", "balances", exchange, stdin=stdin, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    balances = json.loads(r.stdout)["balances"]
    assert balances, r.stdout
    for b in balances:
        assert set(b) == {"asset", "free", "locked", "total", "wallets"}
        for field in ("free", "locked", "total"):
            assert isinstance(b[field], str) and "e" not in b[field].lower()
        assert b["wallets"] and all(set(w) == {"wallet", "rawAsset", "free", "locked"} for w in b["wallets"])
    assert json.loads(r.stdout)["unreadWallets"] == [] and "warning" not in r.stderr
    assert account["apiSecret"] not in r.stdout + r.stderr


def test_wrong_secret_is_a_json_error_without_secrets():
    account = [a for a in demo_accounts() if a["exchange"] == "kucoin"][0]
    stdin = json.dumps({"apiKey": account["apiKey"], "apiSecret": "wrong-secret-value-1234", "passphrase": account["passphrase"]})
    r = cli("exchange", "balances", "kucoin", stdin=stdin, check=False)
    assert r.returncode != 0
    error = json.loads(r.stdout)["error"]
    assert error["code"] in ("invalid_passphrase", "invalid_signature", "invalid_credentials")
    assert "wrong-secret-value-1234" not in r.stdout + r.stderr
    assert account["passphrase"] not in r.stdout + r.stderr


def test_a_misspelt_field_is_refused_rather_than_sending_the_key_to_the_default_host():
    account = [a for a in demo_accounts() if a["exchange"] == "okx"][0]
    stdin = json.dumps({"apiKey": account["apiKey"], "apiSecret": account["apiSecret"],
                        "passphrase": account["passphrase"], "regoin": "eea"})
    r = cli("exchange", "balances", "okx", stdin=stdin, check=False)
    assert r.returncode == 2, r.stdout + r.stderr
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "invalid_request" and '"regoin"' in error["message"]
    assert account["apiSecret"] not in r.stdout + r.stderr


def test_unknown_exchange_is_rejected():
    r = cli("exchange", "balances", "mtgox", stdin="{}", check=False)
    assert r.returncode != 0 and json.loads(r.stdout)["error"]["code"] == "invalid_request"


def test_a_wallet_the_key_may_not_read_is_listed_and_warned_about():
    account = new_account("kraken", balances=[{"asset": "DOT", "free": "1"}, {"asset": "DOT28.S", "free": "12.5"}],
                          earnPermissionDenied=True)
    stdin = json.dumps({"apiKey": account["apiKey"], "apiSecret": account["apiSecret"]})
    r = cli("exchange", "balances", "kraken", stdin=stdin, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    answer = json.loads(r.stdout)
    assert [(b["asset"], b["total"]) for b in answer["balances"]] == [("DOT", "13.5")]
    assert [w["wallet"] for w in answer["unreadWallets"]] == ["earn-allocations"]
    assert "warning: wallet earn-allocations not read" in r.stderr
