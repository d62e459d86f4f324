"""The Ghostfolio feed and the Wealthfolio/Ghostfolio files (issue 15), through nginx and the timer, against the
local Ghostfolio stand-in (tests/e2e/ghostfolio_standin.py, which enforces the shapes and rules read in Ghostfolio's
source): first push, changed balances (only the change is pushed), a push failing mid-way and retried (no
duplicates), an asset sold to zero, the cash balance, the export accepted by the stand-in's validation, the
Wealthfolio CSV, and every bad input (refused targets, unreachable, slow, 4xx, redirect, a refused token), with the
token never in an answer, a log or the database in clear."""
import csv
import io
import json
import urllib.request
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

import database
from conftest import STATE
from database import store_free
from ghostfolio_standin import BASE, FORBIDDEN_PORT, Ghostfolio
from sandbox import new_account, set_balances
from test_connections import connect, holdings
from test_portfolio_value import read_markets_on_next_run
from test_sync_timer import run_sync

FEED = "/api/v1/feeds/ghostfolio"
UNUSED_ALLOWED_PORT = BASE + 3  # in HOLDFAST_OUTBOUND_ALLOW, nothing listens: unreachable


@pytest.fixture(scope="module")
def standin():
    server = Ghostfolio(BASE + 1)
    yield server
    server.close()


@pytest.fixture(scope="module")
def faulty():
    server = Ghostfolio(BASE + 2)
    yield server
    server.close()


def configure(client, url, token):
    r = client.request("PUT", FEED, json_body={"url": url, "securityToken": token})
    assert r.status == 200, r
    return r.json()


def timer_run():
    read_markets_on_next_run()
    r = run_sync()
    assert r.returncode == 0, r.stderr  # a push, failed or not, never fails the run
    return r


def feed_connection(client, cid):
    r = client.fresh().get(FEED)
    assert r.status == 200, r
    return next(c for c in r.json()["connections"] if c["connectionId"] == cid)


def connection_synced_at(client, cid):
    r = client.fresh().get("/api/v1/exchanges/connections")
    assert r.status == 200, r
    return next(c for c in r.json()["connections"] if c["id"] == cid)["lastSyncAt"]


def retry_now(cid):
    """Skips the backoff (1 minute) so the next run retries: the test is about what the retry sends."""
    with database.connect() as db:
        db.execute("UPDATE ghostfolio_pushes SET next_attempt_at = ? WHERE connection_id = ?", ("2000-01-01T00:00:00.000Z", cid))


def kraken_user(client, standin, balances):
    account = new_account("kraken", balances=balances)
    cid = connect(client, account).json()["connection"]["id"]
    configure(client, standin.url, standin.token)
    return account, cid


def cash_now(client, cid, usd):
    """`usd` plus the connection's USDT at Holdfast's current USDT/USD price, to the cent (what the push sets)."""
    export = client.fresh().get("/api/v1/portfolio/export?format=json").json()
    assert export["currency"] == "USD"
    usdt = next(h for h in export["holdings"] if h["connectionId"] == cid and h["asset"] == "USDT")
    assert usdt["valueExact"] is not None and usdt["source"] != "identity", usdt  # priced, never taken as 1
    return (Decimal(usd) + Decimal(usdt["valueExact"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def bal(asset, amount):
    return {"asset": asset, "free": amount, "locked": "0"}


def test_first_push_changed_balances_and_an_asset_sold_to_zero(logged_in, standin):
    account, cid = kraken_user(logged_in, standin, [bal("XXBT", "0.5"), bal("XETH", "2"), bal("USDT", "100"),
                                                    bal("ZUSD", "50"), bal("HFT", "3")])
    timer_run()
    state = feed_connection(logged_in, cid)
    assert state["accountId"] == cid and state["errorCode"] is None and state["lastSuccessAt"], state
    assert state["unmappedAssets"] == ["HFT"], state
    assert standin.positions(cid) == {"bitcoin": 0.5, "ethereum": 2}
    created = standin.accounts[cid]
    assert created["currency"] == "USD" and created["name"].startswith("Holdfast")
    # Cash: 50 USD and 100 USDT at the USDT/USD price (exact, to the cent), never taken as 1.
    first_balance = Decimal(str(created["balance"]))
    assert first_balance == cash_now(logged_in, cid, "50"), created
    mine = [a for a in standin.activities if a["accountId"] == cid]
    assert {(a["type"], a["symbol"], a["dataSource"], a["currency"]) for a in mine} == {
        ("BUY", "bitcoin", "COINGECKO", "USD"), ("BUY", "ethereum", "COINGECKO", "USD")}
    assert all(a["unitPrice"] > 0 and a["fee"] == 0 for a in mine)
    # Dated when the balances were read (the sync at connect time), not when the timer pushed them.
    synced = connection_synced_at(logged_in, cid)
    assert {a["date"] for a in mine} == {synced}, (mine, synced)

    # Changed balances: only the change goes out; ETH sold to zero is a SELL of the rest; cash follows.
    set_balances("kraken", account, [bal("XXBT", "0.75"), bal("USDT", "100"), bal("ZUSD", "10"), bal("HFT", "3")])
    logged_in.post(f"/api/v1/exchanges/connections/{cid}/sync")
    before = len(standin.activities)
    timer_run()
    new = [a for a in standin.activities[before:] if a["accountId"] == cid]
    assert sorted((a["type"], a["symbol"], a["quantity"]) for a in new) == [("BUY", "bitcoin", 0.25), ("SELL", "ethereum", 2)]
    assert standin.positions(cid) == {"bitcoin": 0.75}
    assert Decimal(str(standin.accounts[cid]["balance"])) == cash_now(logged_in, cid, "10") != first_balance

    # Nothing changed: the next run sends nothing.
    before = len(standin.requests)
    timer_run()
    assert [r for r in standin.requests[before:] if cid.encode() in r[3] or cid in r[1]] == []


def test_a_push_failing_mid_way_is_retried_without_duplicates(logged_in, standin):
    account, cid = kraken_user(logged_in, standin, [bal("XXBT", "1"), bal("XETH", "1")])
    timer_run()
    assert standin.positions(cid) == {"bitcoin": 1, "ethereum": 1}
    set_balances("kraken", account, [bal("XXBT", "1.5"), bal("XETH", "3")])
    logged_in.post(f"/api/v1/exchanges/connections/{cid}/sync")
    standin.fail_after = 1  # the import stores one activity, then answers 500
    try:
        timer_run()
    finally:
        standin.fail_after = None
    state = feed_connection(logged_in, cid)
    assert state["errorCode"] == "target_http_500" and state["nextAttemptAt"], state
    assert len(standin.positions(cid)) == 2 and standin.positions(cid) != {"bitcoin": 1.5, "ethereum": 3}
    retry_now(cid)
    timer_run()
    assert standin.positions(cid) == {"bitcoin": 1.5, "ethereum": 3}
    comments = [a["comment"] for a in standin.activities if a["accountId"] == cid]
    assert len(comments) == len(set(comments)) == 4, comments
    state = feed_connection(logged_in, cid)
    assert state["errorCode"] is None and state["nextAttemptAt"] is None, state


def test_push_now_and_the_export_accepted_by_ghostfolio_validation(logged_in, standin):
    _, cid = kraken_user(logged_in, standin, [bal("XXBT", "0.25"), bal("ZUSD", "20")])
    timer_run()
    r = logged_in.post(f"{FEED}/push")
    assert r.status == 202, r
    export = logged_in.fresh().get(f"{FEED}/export")
    assert export.status == 200 and "attachment" in export.header("content-disposition"), export
    document = export.json()
    assert set(document) == {"accounts", "activities"}
    assert [a["id"] for a in document["accounts"]] == [cid]
    assert [(a["type"], a["symbol"], a["quantity"]) for a in document["activities"]] == [("BUY", "bitcoin", 0.25)]
    # What a person would do by hand: import it into a (fresh) Ghostfolio.
    other = Ghostfolio(BASE + 4)
    try:
        jwt = post_json(other.url + "/api/v1/auth/anonymous", {"accessToken": other.token})[1]["authToken"]
        status, body = post_json(other.url + "/api/v1/import", document, jwt)
        assert status == 201, body
        assert other.positions(cid) == {"bitcoin": 0.25} and other.accounts[cid]["balance"] == 20
        assert post_json(other.url + "/api/v1/import", document, jwt) == (201, {"activities": []})  # duplicates
    finally:
        other.close()


def post_json(url, body, jwt=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {jwt}"} if jwt else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_wealthfolio_csv_has_its_import_columns_and_a_cash_row(logged_in):
    account = new_account("kraken", balances=[bal("XXBT", "0.5"), bal("ZUSD", "12.5"), bal("ZEUR", "3")])
    cid = connect(logged_in, account).json()["connection"]["id"]
    timer_run()
    r = logged_in.fresh().get(f"/api/v1/feeds/wealthfolio.csv?connection={cid}")
    assert r.status == 200 and r.header("content-type").startswith("text/csv"), r
    rows = list(csv.reader(io.StringIO(r.body.decode())))
    assert rows[0] == ["date", "symbol", "quantity", "price", "currency"]
    by_symbol = {(row[1], row[4]): row for row in rows[1:]}
    assert by_symbol[("BTC-USD", "USD")][2] == "0.5" and Decimal(by_symbol[("BTC-USD", "USD")][3]) > 0
    assert by_symbol[("$CASH", "USD")][2:4] == ["12.5", ""]
    assert by_symbol[("$CASH", "EUR")][2] == "3"
    assert all(len(row[0]) == 10 for row in rows[1:])
    combined = logged_in.fresh().get("/api/v1/feeds/wealthfolio.csv")
    assert combined.status == 200 and b"BTC-USD" in combined.body
    assert logged_in.fresh().get("/api/v1/feeds/wealthfolio.csv?connection=00000000-0000-0000-0000-000000000000").status == 404


def test_refused_urls_and_missing_token(logged_in, standin):
    for url, code in [(f"http://127.0.0.1:{FORBIDDEN_PORT}", "target_not_allowed"), ("http://10.0.0.7", "target_not_allowed"),
                      ("ftp://example.com", "invalid_url"), ("http://user:pw@example.com", "invalid_url"),
                      ("not a url", "invalid_url")]:
        r = logged_in.request("PUT", FEED, json_body={"url": url, "securityToken": "x"})
        assert r.status == 422 and r.error_code == code and "url" in r.json()["error"]["fields"], (url, r)
    r = logged_in.request("PUT", FEED, json_body={"url": standin.url})
    assert r.status == 422 and r.json()["error"]["fields"] == {"securityToken": "is required"}, r
    r = logged_in.request("PUT", FEED, json_body={"url": standin.url, "securityToken": "t", "extra": 1})
    assert r.status == 422, r
    assert logged_in.post(f"{FEED}/push").status == 404
    assert logged_in.fresh().get(FEED).json() == {"configured": False, "url": None, "enabled": False,
                                                  "connections": []}


@pytest.mark.parametrize("fault,code", [("unreachable", "target_unreachable"), ("redirect", "target_redirect"),
                                        ("status", "target_http_404"), ("token", "ghostfolio_token_refused")])
def test_bad_targets_are_recorded_and_backed_off_never_failing_the_sync(logged_in, faulty, fault, code):
    faulty.reset()
    url, token = faulty.url, faulty.token
    if fault == "unreachable":
        url = f"http://127.0.0.1:{UNUSED_ALLOWED_PORT}"
    elif fault == "redirect":
        faulty.redirect = True
    elif fault == "status":
        faulty.status = 404
    else:
        token = "not-the-token"
    account = new_account("kraken", balances=[bal("XXBT", "0.5")])
    cid = connect(logged_in, account).json()["connection"]["id"]
    configure(logged_in, url, token)
    timer_run()
    state = feed_connection(logged_in, cid)
    assert state["errorCode"] == code and state["nextAttemptAt"] and state["lastSuccessAt"] is None, state
    assert "not-the-token" not in json.dumps(state) and faulty.token not in json.dumps(state)
    assert holdings(logged_in, cid) == {"BTC": "0.5"}  # the sync itself succeeded
    faulty.reset()


@store_free
def test_a_slow_ghostfolio_times_out(logged_in, faulty):
    faulty.reset()
    faulty.slow = True
    try:
        account = new_account("kraken", balances=[bal("XXBT", "0.5")])
        cid = connect(logged_in, account).json()["connection"]["id"]
        configure(logged_in, faulty.url, faulty.token)
        timer_run()
        assert feed_connection(logged_in, cid)["errorCode"] == "target_timeout"
    finally:
        faulty.reset()


def test_the_token_is_never_returned_logged_or_stored_in_clear(logged_in, standin):
    token = "secret-ghostfolio-token-" + "7" * 20
    r = logged_in.request("PUT", FEED, json_body={"url": standin.url, "securityToken": token})
    assert r.status == 200 and token not in r.body.decode(), r
    assert token not in logged_in.fresh().get(FEED).body.decode()
    # Change only the URL: the token is kept, never echoed.
    r = logged_in.request("PUT", FEED, json_body={"url": standin.url + "/", "enabled": False})
    assert r.status == 200 and r.json()["url"] == standin.url and r.json()["enabled"] is False, r
    with database.connect() as db:
        rows = db.execute("SELECT token_encrypted FROM ghostfolio_feeds").fetchall()
    assert rows and all(token not in row[0] for row in rows)
    assert logged_in.post(f"{FEED}/push").status == 409
    timer_run()
    for log in STATE.rglob("*.log"):
        assert token.encode() not in log.read_bytes(), log
    assert logged_in.request("DELETE", FEED).status == 204
    assert logged_in.request("DELETE", FEED).status == 404
    assert logged_in.fresh().get(FEED).json()["configured"] is False


def test_answers_match_the_openapi_schemas(logged_in, standin):
    from test_openapi import check
    check(logged_in.get(FEED), FEED, "get")
    check(logged_in.request("PUT", FEED, json_body={"url": "ftp://x", "securityToken": "t"}), FEED, "put")
    check(logged_in.post(f"{FEED}/push"), f"{FEED}/push", "post")  # 404: no feed
    connect(logged_in, new_account("kraken", balances=[bal("XXBT", "1")]))
    check(logged_in.request("PUT", FEED, json_body={"url": standin.url, "securityToken": standin.token}), FEED, "put")
    check(logged_in.post(f"{FEED}/push"), f"{FEED}/push", "post")
    check(logged_in.fresh().get(f"{FEED}/export"), f"{FEED}/export", "get")
    check(logged_in.request("DELETE", FEED), FEED, "delete")
