"""Binance Ed25519 and RSA keys end to end (exchanges.md §7.6): the private key PEM pasted as the secret, the
sandbox verifying with the registered public key."""
import json
from pathlib import Path

import pytest

from sandbox import DEMO, admin, credentials, new_account

API = "/api/v1/exchanges"
# The shared known-answer file (exchanges.md §12.1), as shipped with the Swift tests.
VECTORS = json.loads((Path(__file__).resolve().parents[2] / "Tests/ExchangesTests/Vectors/exchanges-7-12.json").read_text())


def demo(label):
    return [a for a in DEMO if a["exchange"] == "binance" and label in (a.get("label") or "")][0]


def asymmetric_account(label, balances):
    key = demo(label)
    return new_account("binance", balances=balances, apiSecret=key["apiSecret"], publicKey=key["publicKey"])


def account_calls():
    return admin("binance", "GET", "/__sandbox/stats").get("paths", {}).get("/api/v3/account", 0)


def test_connect_binance_ed25519_key_pasted_into_a_one_line_field(logged_in):
    account = asymmetric_account("Ed25519", [{"asset": "BTC", "free": "0.5", "locked": "0.25"},
                                             {"asset": "SOL", "free": "3", "locked": "0"}])
    assert "BEGIN PRIVATE KEY" in account["apiSecret"] and "BEGIN PUBLIC KEY" in account["publicKey"]
    # An <input> drops the line breaks of a pasted PEM; the whole key is still there.
    one_line = account["apiSecret"].replace("\n", "")
    r = logged_in.post(f"{API}/connect", credentials(account, apiSecret=one_line))
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["status"] == "active" and r.json()["holdingsCount"] == 2
    holdings = logged_in.fresh().get(f"{API}/connections/{connection['id']}/holdings").json()["holdings"]
    assert {h["asset"]: h["amount"] for h in holdings} == {"BTC": "0.75", "SOL": "3"}


def test_binance_private_key_of_another_pair_is_invalid_signature(logged_in):
    account = asymmetric_account("Ed25519", [{"asset": "BTC", "free": "1", "locked": "0"}])
    r = logged_in.post(f"{API}/connect", credentials(account, apiSecret=demo("RSA")["apiSecret"]))
    assert r.status == 422 and r.error_code == "invalid_signature", r
    assert "public key registered" in r.json()["error"]["message"]
    assert logged_in.get(f"{API}/connections").json()["connections"] == []


@pytest.mark.parametrize("secret,says", [
    (VECTORS["binance_keys"]["ed25519"]["encrypted_pkcs8_pem"], "encrypted"),
    ("PUBLIC", "public key"),
])
def test_unusable_binance_key_fails_before_any_request(logged_in, secret, says):
    account = asymmetric_account("Ed25519", [{"asset": "BTC", "free": "1", "locked": "0"}])
    if secret == "PUBLIC":
        secret = account["publicKey"]
    before = account_calls()
    r = logged_in.post(f"{API}/test", credentials(account, apiSecret=secret))
    assert r.status == 200 and r.json()["success"] is False, r
    assert r.json()["error"]["code"] == "invalid_key_format" and says in r.json()["error"]["message"], r
    assert account_calls() == before
