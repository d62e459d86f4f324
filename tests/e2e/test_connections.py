"""The connections API end to end: nginx -> responder -> SQLite, and real HTTP to the sandbox exchanges."""
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from conftest import STATE, Client, database_file_bytes
from sandbox import EXCHANGES, clear_faults, credentials, new_account, set_balances, set_faults
import database
from database import sqlite_only

API = "/api/v1/exchanges"


def database_path():
    env = dict(l.split("=", 1) for l in (STATE / "holdfast.env").read_text().splitlines() if "=" in l and not l.startswith("#"))
    return env["HOLDFAST_DATABASE"]


def connect(client, account, **extra):
    body = credentials(account)
    body.update(extra)
    return client.post(f"{API}/connect", body)


def holdings(client, connection_id):
    r = client.fresh().get(f"{API}/connections/{connection_id}/holdings")
    assert r.status == 200, r
    return {h["asset"]: h["amount"] for h in r.json()["holdings"]}


def test_supported_lists_every_exchange(logged_in):
    r = logged_in.get(f"{API}/supported")
    assert r.status == 200
    by_id = {e["id"]: e for e in r.json()["exchanges"]}
    assert set(by_id) == set(EXCHANGES)
    assert by_id["kucoin"]["requiresPassphrase"] and by_id["coinbaseexchange"]["requiresPassphrase"]
    assert not by_id["binance"]["requiresPassphrase"]
    assert all(e["readOnlyKeyHelp"] for e in by_id.values())


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_test_connect_sync_and_holdings_change(logged_in, exchange):
    c = logged_in
    account = new_account(exchange, balances=[{"asset": "BTC", "free": "1.5", "locked": "0.25"},
                                              {"asset": "ETH", "free": "10", "locked": "0"}])
    tested = c.post(f"{API}/test", credentials(account))
    assert tested.status == 200 and tested.json()["success"] is True, tested
    assert tested.json()["balancesCount"] == 2

    r = connect(c, account, label="Main")
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert r.json()["holdingsCount"] == 2
    assert connection["status"] == "active" and connection["label"] == "Main" and connection["lastSyncAt"]
    assert connection["apiKeyHint"] == account["apiKey"][-4:]
    assert holdings(c, connection["id"]) == {"BTC": "1.75", "ETH": "10"}

    # Holdings change between syncs: an asset added, an amount changed, an asset gone.
    set_balances(exchange, account, [{"asset": "BTC", "free": "2", "locked": "0"}, {"asset": "SOL", "free": "0.000000012", "locked": "0"}])
    synced = c.post(f"{API}/connections/{connection['id']}/sync")
    assert synced.status == 200, synced
    assert holdings(c, connection["id"]) == {"BTC": "2", "SOL": "0.000000012"}

    history = c.get(f"{API}/connections/{connection['id']}/syncs").json()["syncs"]
    assert [h["outcome"] for h in history] == ["success", "success"]
    assert [h["trigger"] for h in history] == ["manual", "connect"]

    # Nothing secret in any response.
    listed = c.get(f"{API}/connections")
    for response in (tested, r, synced, listed):
        text = response.body.decode()
        assert account["apiSecret"] not in text and account["apiKey"] not in text
        if account.get("passphrase"):
            assert account["passphrase"] not in text


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_invalid_credentials_save_nothing(logged_in, exchange):
    c = logged_in
    account = new_account(exchange)
    if exchange == "coinbase":
        bad = credentials(account, apiKey="organizations/00000000-0000-0000-0000-000000000000/apiKeys/unknown")
    else:
        bad = credentials(account, apiKey=account["apiKey"][:-4] + "zzzz")
    # Every exchange answers a key it does not know as such (never as a bad signature: it has no secret to check
    # the signature with), and each client classifies that answer as invalid_credentials.
    r = c.post(f"{API}/test", bad)
    assert r.status == 200 and r.json()["success"] is False
    assert r.json()["error"]["code"] == "invalid_credentials", r
    r = c.post(f"{API}/connect", bad)
    assert r.status == 422 and r.error_code == "invalid_credentials", r
    assert c.get(f"{API}/connections").json()["connections"] == []


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_an_exchange_asking_to_slow_down_leaves_the_key_unchecked(logged_in, exchange):
    """Each exchange's own rate-limit answer is no verdict on the key: test is a 503 `rate_limited` that says the key
    was not checked (never a 200 `success: false`, which reads as refused), and connect saves nothing."""
    c = logged_in
    account = new_account(exchange)
    # Retry-After 1, as in test_rate_limited_and_exchange_down_mark_the_connection: the scope is free again soon.
    set_faults(exchange, account, rateLimited=True, retryAfterSeconds=1)
    try:
        r = c.post(f"{API}/test", credentials(account))
        assert r.status == 503 and r.error_code == "rate_limited", r
        assert "asked Holdfast to slow down; your key was not checked." in r.json()["error"]["message"], r
        assert "success" not in r.json()
        # Within the second the exchange asked for, Holdfast's own budget may refuse before sending: 503 as well.
        r = connect(c, account)
        assert r.status == 503 and r.error_code == "rate_limited", r
        assert c.get(f"{API}/connections").json()["connections"] == []
    finally:
        clear_faults(exchange, account)


@pytest.mark.parametrize("exchange", ["kucoin", "coinbaseexchange"])
def test_wrong_passphrase(logged_in, exchange):
    account = new_account(exchange)
    r = logged_in.post(f"{API}/connect", credentials(account, passphrase="not-the-passphrase"))
    assert r.status == 422 and r.error_code == "invalid_passphrase", r
    assert "not-the-passphrase" not in r.body.decode()


def test_passphrase_required_where_needed(logged_in):
    account = new_account("kucoin")
    body = credentials(account)
    body.pop("passphrase")
    r = logged_in.post(f"{API}/connect", body)
    assert r.status == 422 and r.json()["error"]["fields"] == {"passphrase": "is required"}


@pytest.mark.parametrize("exchange,expected", [
    ("binance", {"clock_skew"}), ("coinbaseexchange", {"clock_skew"}), ("kucoin", {"clock_skew"}),
    # Coinbase cannot tell a clock problem from any other JWT rejection (a bare 401).
    ("coinbase", {"clock_skew", "invalid_credentials"}),
])
def test_clock_skew_on_the_account(logged_in, exchange, expected):
    account = new_account(exchange)
    set_faults(exchange, account, clockSkewMs=-600_000)
    r = connect(logged_in, account)
    assert r.error_code in expected, r
    # A clock problem is the server's to fix and may pass (503); a rejected key is the user's (422).
    assert r.status == (503 if r.error_code == "clock_skew" else 422), r
    if r.error_code == "clock_skew":
        assert "offset" in r.json()["error"]["message"]


def test_kraken_has_no_clock_window(logged_in):
    account = new_account("kraken")
    set_faults("kraken", account, clockSkewMs=-600_000)
    assert connect(logged_in, account).status == 201


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_rate_limited_and_exchange_down_mark_the_connection(logged_in, exchange):
    c = logged_in
    account = new_account(exchange)
    connection = connect(c, account).json()["connection"]
    before = holdings(c, connection["id"])

    # Retry-After 1: Holdfast honours it for the whole scope (Binance: every key on this IP), so a longer one
    # would turn the next step's call into a local `rate_limited` refusal (issue 11, request budgets).
    set_faults(exchange, account, rateLimited=True, retryAfterSeconds=1)
    r = c.post(f"{API}/connections/{connection['id']}/sync")
    assert r.status == 503 and r.json()["error"]["code"] == "rate_limited", r
    assert r.json()["connection"]["status"] == "error"
    assert r.json()["connection"]["lastError"]["code"] == "rate_limited"

    set_faults(exchange, account, serverError=503)
    r = c.post(f"{API}/connections/{connection['id']}/sync")
    assert r.status == 503 and r.json()["error"]["code"] == "exchange_unavailable", r
    assert holdings(c, connection["id"]) == before  # a failed sync touches no holding

    clear_faults(exchange, account)
    r = c.post(f"{API}/connections/{connection['id']}/sync")
    assert r.status == 200 and r.json()["connection"]["status"] == "active"
    assert "lastError" not in r.json()["connection"] or r.json()["connection"]["lastError"] is None
    outcomes = [h["outcome"] for h in c.get(f"{API}/connections/{connection['id']}/syncs").json()["syncs"]]
    assert outcomes[:3] == ["success", "failure", "failure"]


def test_exchange_clock_change_is_recovered_by_remeasuring(logged_in):
    from sandbox import admin
    account = new_account("binance")
    connection = connect(logged_in, account).json()["connection"]
    admin("binance", "POST", "/__sandbox/fixture", {"exchangeFaults": {"clockSkewMs": 300_000}})
    try:
        r = logged_in.post(f"{API}/connections/{connection['id']}/sync")
        assert r.status == 200, r
    finally:
        admin("binance", "POST", "/__sandbox/fixture", {"exchangeFaults": {}})


def test_duplicate_key_is_a_conflict(logged_in):
    account = new_account("binance")
    assert connect(logged_in, account).status == 201
    r = connect(logged_in, account)
    assert r.status == 409 and r.error_code == "conflict"
    # Another user may connect the same key.
    other = Client()
    from conftest import cli
    cli("user", "add", "dup-other@example.com", stdin="correct horse battery staple\n", check=False)
    other.login("dup-other@example.com", "correct horse battery staple")
    assert connect(other, account).status == 201  # duplicates are per user


def test_trading_key_gets_a_warning(logged_in):
    account = new_account("binance", canTrade=True, canWithdraw=False)
    r = connect(logged_in, account)
    assert r.status == 201
    permissions = r.json()["connection"]["permissions"]
    assert permissions["canTrade"] is True and "trade" in permissions["warning"]


def test_other_users_ids_are_404_and_bad_ids_never_5xx(logged_in, user):
    account = new_account("kucoin")
    connection = connect(logged_in, account).json()["connection"]
    stranger = Client()
    from conftest import cli
    cli("user", "add", "stranger@example.com", stdin="correct horse battery staple\n", check=False)
    stranger.login("stranger@example.com", "correct horse battery staple")
    cid = connection["id"]
    for method, path in [("GET", f"{API}/connections/{cid}/holdings"), ("GET", f"{API}/connections/{cid}/syncs"),
                         ("POST", f"{API}/connections/{cid}/sync"), ("DELETE", f"{API}/connections/{cid}")]:
        r = stranger.request(method, path)
        assert r.status == 404 and r.error_code == "not_found", (method, path, r)
    r = stranger.request("PATCH", f"{API}/connections/{cid}", json_body={"label": "mine"})
    assert r.status == 404
    # nginx refuses a URI that decodes to a NUL byte (400 bad_request, before the responder); everything else
    # reaches the router, where a segment that is no UUID of the user's is 404 not_found.
    for bad, status, code in [("nope", 404, "not_found"), ("00000000-0000-0000-0000-000000000000", 404, "not_found"),
                              ("%00", 400, "bad_request"), ("%27%20OR%201=1%20--", 404, "not_found"),
                              ("a" * 300, 404, "not_found")]:
        r = logged_in.get(f"{API}/connections/{bad}/holdings")
        assert r.status == status and r.error_code == code, (bad, r)
    # The owner still has it, untouched.
    assert logged_in.get(f"{API}/connections/{cid}/holdings").status == 200


def test_missing_csrf_is_403_and_changes_nothing(logged_in):
    account = new_account("binance")
    body = credentials(account)
    r = logged_in.request("POST", f"{API}/connect", json_body=body, headers={"X-CSRF-Token": "forged"})
    assert r.status == 403 and r.error_code == "csrf_failed"
    assert logged_in.get(f"{API}/connections").json()["connections"] == []


def test_patch_pause_resume_and_delete(logged_in):
    c = logged_in
    connection = connect(c, new_account("kraken")).json()["connection"]
    cid = connection["id"]
    r = c.request("PATCH", f"{API}/connections/{cid}", json_body={"status": "disabled", "label": "Paused one", "syncInterval": 600})
    assert r.status == 200
    updated = r.json()["connection"]
    assert updated["status"] == "disabled" and updated["label"] == "Paused one" and updated["syncInterval"] == 600
    assert updated.get("nextSyncAt") is None
    assert c.post(f"{API}/connections/{cid}/sync").error_code == "connection_paused"
    bad = c.request("PATCH", f"{API}/connections/{cid}", json_body={"syncInterval": 5, "status": "gone", "extra": 1})
    assert bad.status == 422 and set(bad.json()["error"]["fields"]) == {"syncInterval", "status", "extra"}
    r = c.request("PATCH", f"{API}/connections/{cid}", json_body={"status": "active"})
    assert r.json()["connection"]["status"] == "active" and r.json()["connection"]["nextSyncAt"]

    assert c.request("DELETE", f"{API}/connections/{cid}").status == 204
    assert c.get(f"{API}/connections/{cid}/holdings").status == 404
    assert c.get("/api/v1/portfolios").json()["portfolios"] == []
    with database.connect() as db:
        assert db.execute("SELECT count(*) FROM holdings h JOIN portfolios p ON p.id = h.portfolio_id WHERE p.exchange_connection_id = ?", (cid,)).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM sync_runs WHERE connection_id = ?", (cid,)).fetchone()[0] == 0


def test_sync_all_continues_past_failures_and_portfolio_totals_are_exact(logged_in):
    c = logged_in
    good = new_account("binance", balances=[{"asset": "BTC", "free": "0.1", "locked": "0"}])
    also = new_account("kucoin", balances=[{"asset": "BTC", "free": "0.2", "locked": "0", "wallet": "trade"}])
    failing = new_account("coinbaseexchange", balances=[{"asset": "BTC", "free": "1", "locked": "0"}])
    ids = [connect(c, a).json()["connection"]["id"] for a in (good, also, failing)]
    set_faults("coinbaseexchange", failing, serverError=500)
    r = c.post(f"{API}/sync-all")
    assert r.status == 200
    results = {x["connectionId"]: x for x in r.json()["results"]}
    assert results[ids[0]]["success"] and results[ids[1]]["success"]
    assert not results[ids[2]]["success"] and results[ids[2]]["error"]["code"] == "exchange_unavailable"
    totals = {t["asset"]: t["amount"] for t in c.get("/api/v1/portfolios").json()["totals"]}
    assert totals["BTC"] == "1.3"  # 0.1 + 0.2 + 1 exactly, not 1.3000000000000003


@sqlite_only  # reads the database file's bytes
def test_no_credential_in_plaintext_in_the_database(logged_in):
    accounts = [new_account(e) for e in EXCHANGES]
    for account in accounts:
        assert connect(logged_in, account).status == 201
    with closing(sqlite3.connect(database_path())) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    blobs = database_file_bytes(database_path())
    for account in accounts:
        assert account["apiSecret"].encode() not in blobs
        assert account["apiKey"].encode() not in blobs
        if account.get("passphrase"):
            assert account["passphrase"].encode() not in blobs


def test_simultaneous_connects_of_one_key_store_it_once(logged_in):
    import threading
    account = new_account("kucoin")
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(connect(logged_in.fresh(), account).status)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [201, 409, 409, 409], statuses
    assert len(logged_in.get(f"{API}/connections").json()["connections"]) == 1
