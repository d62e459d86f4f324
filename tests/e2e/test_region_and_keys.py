"""Issue 11, items 4 and 7 end to end: a location block needs the user's attention instead of being retried, and
Coinbase CDP keys are accepted in the forms people paste them, or refused locally with invalid_key_format."""
import json
import pytest

import database
from sandbox import admin, clear_faults, credentials, new_account, set_faults
from test_connections import API, connect
from test_sync_timer import run_sync


def connection_row(cid):
    return database.row("SELECT * FROM exchange_connections WHERE id = ?", (cid,))


def sandbox_requests(exchange):
    return admin(exchange, "GET", "/__sandbox/stats")["requests"]


@pytest.mark.parametrize("form", ["451", "cdn403"])
def test_location_block_needs_attention_and_is_not_retried(logged_in, form):
    account = new_account("binance")
    cid = connect(logged_in, account).json()["connection"]["id"]
    set_faults("binance", account, regionBlock=form)
    try:
        # A scheduled sync: the old code called this bad_response and retried it every 1-60 minutes.
        with database.connect() as db:
            db.execute("UPDATE exchange_connections SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", (cid,))
        r = run_sync("--connection", cid)
        assert r.returncode == 0 and "error_code=region_restricted" in r.stderr, r.stderr
        row = connection_row(cid)
        assert row["last_error_code"] == "region_restricted"
        assert row["needs_attention"] == 1 and row["next_attempt_at"] is None
        assert cid not in run_sync("--dry-run").stdout  # not due, ever, until the user acts

        listed = {c["id"]: c for c in logged_in.get(f"{API}/connections").json()["connections"]}[cid]
        assert listed["needsAttention"] is True and listed.get("nextSyncAt") is None
        assert listed["lastError"]["code"] == "region_restricted"
        assert "location of this server" in listed["lastError"]["message"]

        # A manual sync: the user hears the same, as a 422 (something to fix), not a 503 (try later).
        r = logged_in.post(f"{API}/connections/{cid}/sync")
        assert r.status == 422 and r.error_code == "region_restricted", r
        assert "location" in r.json()["error"]["message"]
    finally:
        clear_faults("binance", account)
    # Once the server's location is served again, a manual sync clears the state.
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 200 and r.json()["connection"]["needsAttention"] is False, r


def test_location_block_on_test_and_connect(logged_in):
    account = new_account("binance")
    admin("binance", "POST", "/__sandbox/fixture", {"exchangeFaults": {"regionBlock": "451"}})
    try:
        r = logged_in.post(f"{API}/test", credentials(account))
        assert r.status == 200 and r.json()["success"] is False
        assert r.json()["error"]["code"] == "region_restricted", r
        r = logged_in.post(f"{API}/connect", credentials(account))
        assert r.status == 422 and r.error_code == "region_restricted", r
    finally:
        admin("binance", "POST", "/__sandbox/fixture", {"exchangeFaults": {}})


def coinbase_forms(pem, key_name):
    begin = pem.splitlines()[0]
    return {
        "spaces": {"apiKey": key_name, "apiSecret": pem.replace("\n", " ")},
        # What a browser's one-line field keeps of a pasted PEM: the line breaks are simply dropped.
        "one-line": {"apiKey": key_name, "apiSecret": pem.replace("\n", "")},
        "literal-backslash-n": {"apiKey": key_name, "apiSecret": pem.replace("\n", "\\n")},
        "crlf": {"apiKey": key_name, "apiSecret": pem.replace("\n", "\r\n")},
        "no-begin-line": {"apiKey": key_name, "apiSecret": pem.replace(begin + "\n", "")},
        "key-file": {"apiKey": "", "apiSecret": json.dumps({"name": key_name, "privateKey": pem}, indent=2)},
    }


@pytest.mark.parametrize("form", ["spaces", "one-line", "literal-backslash-n", "crlf", "no-begin-line", "key-file"])
def test_coinbase_key_as_pasted_works(logged_in, form):
    account = new_account("coinbase", balances=[{"asset": "BTC", "free": "0.5", "locked": "0"}])
    body = {"exchange": "coinbase", **coinbase_forms(account["apiSecret"], account["apiKey"])[form]}
    r = logged_in.post(f"{API}/test", body)
    assert r.status == 200 and r.json()["success"] is True, r
    r = logged_in.post(f"{API}/connect", body)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["apiKeyHint"] == account["apiKey"][-4:]  # the key file supplied the name
    # Stored re-wrapped: the timer signs with it as well.
    r = run_sync("--connection", connection["id"])
    assert r.returncode == 0 and "outcome=success" in r.stderr, r.stderr


def test_coinbase_key_file_for_another_key_is_refused(logged_in):
    account = new_account("coinbase")
    body = {"exchange": "coinbase", "apiKey": "organizations/x/apiKeys/another-key",
            "apiSecret": json.dumps({"name": account["apiKey"], "privateKey": account["apiSecret"]})}
    r = logged_in.post(f"{API}/test", body)
    assert r.status == 200 and r.json()["error"]["code"] == "invalid_key_format", r


@pytest.mark.parametrize("secret,words", [
    ("truncated", "incomplete"),
    ("public", "public key"),
    ("legacy", "February 2025"),
])
def test_coinbase_unusable_key_is_invalid_key_format_before_any_request(logged_in, secret, words):
    account = new_account("coinbase")
    pem = account["apiSecret"]
    texts = {
        "truncated": pem[: len(pem) // 2],
        "public": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEG9JKNCaLTwJMcaAaruhx98xyJDrLJaBtOlC7"
                  "Fk1WwQQ0YF3/Vnw/x4LKxJy7KlLZ65Q8WIcXnobmrTQHtVtNJw==\n-----END PUBLIC KEY-----\n",
        "legacy": "abcdefghABCDEFGH0123456789abcdef",
    }
    body = credentials(account, apiSecret=texts[secret])
    if secret == "legacy":
        body["apiKey"] = "abcdEFGH12345678"
    before = sandbox_requests("coinbase")
    r = logged_in.post(f"{API}/test", body)
    assert r.status == 200 and r.json()["success"] is False, r
    error = r.json()["error"]
    assert error["code"] == "invalid_key_format" and words in error["message"], error
    r = logged_in.post(f"{API}/connect", body)
    assert r.status == 422 and r.error_code == "invalid_key_format", r
    assert texts[secret] not in r.body.decode()
    assert sandbox_requests("coinbase") == before  # refused locally: Coinbase never saw a request
    assert logged_in.get(f"{API}/connections").json()["connections"] == []
