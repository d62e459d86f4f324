"""Portfolio value and history (issue 13) against the running stack: the timer reads the sandbox exchanges' public
market data, values holdings in the user's currency, records value points and snapshots; the API answers
/portfolio, /portfolio/history, /portfolio/statement and /portfolio/export; the CLI prints the same."""
import csv
import http.client
import io
import json
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal

from conftest import cli
from sandbox import PORTS, admin, new_account
from test_connections import API, connect
from test_sync_timer import run_sync
import database

PORTFOLIO = "/api/v1/portfolio"


def kraken_ticker():
    """The sandbox Kraken's last prices by pair id, read as any client would (public, no key)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORTS["kraken"], timeout=10)
    try:
        conn.request("GET", "/0/public/Ticker")
        body = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    assert body["error"] == [], body
    return {pair: Decimal(row["c"][0]) for pair, row in body["result"].items()}


def read_markets_on_next_run(exchange="kraken"):
    """The timer reads an exchange's market data at most every 50 s, whichever run claims it: make the next run
    read it, so this test's assets are asked for."""
    with database.connect() as db:
        db.execute("UPDATE market_fetches SET attempted_at = ? WHERE exchange = ?", ("2000-01-01T00:00:00.000Z", exchange))


def synced_kraken_user(logged_in, balances):
    """A Kraken connection holding `balances`, synced, with prices read: one full timer run."""
    account = new_account("kraken", balances=balances)
    cid = connect(logged_in, account).json()["connection"]["id"]
    read_markets_on_next_run()
    r = run_sync()
    assert r.returncode == 0, r.stderr
    assert "prices and history recorded" in r.stderr, r.stderr
    return account, cid


def asset(body, name):
    return next(a for a in body["assets"] if a["asset"] == name)


def money(value, digits=2):
    return str(Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))


def test_portfolio_values_holdings_from_the_exchanges_market_data(logged_in):
    balances = [{"asset": "XXBT", "free": "0.5", "locked": "0"}, {"asset": "USDT", "free": "100", "locked": "0"},
                {"asset": "API3", "free": "7", "locked": "0"}]
    _, cid = synced_kraken_user(logged_in, balances)
    r = logged_in.get(PORTFOLIO)
    assert r.status == 200, r
    body = r.json()
    assert body["currency"] == "USD"
    btc, usdt, api3 = asset(body, "BTC"), asset(body, "USDT"), asset(body, "API3")
    # BTC: Kraken's own BTC/USD market; the price moves each minute, so compare with the price the body names.
    assert btc["status"] == "priced" and btc["source"] == "kraken:XXBTZUSD", btc
    with database.connect() as db:
        stored = db.execute("SELECT price, raw FROM market_quotes WHERE exchange = ? AND market = ?", ("kraken", "XXBTZUSD")).fetchone()
    assert stored is not None and Decimal(btc["price"]) == Decimal(stored[0]) and '"c"' in stored[1], stored
    # The sandbox's price of this minute is near the stored one (it moves by at most ±0.5 % a minute).
    assert abs(kraken_ticker()["XXBTZUSD"] / Decimal(stored[0]) - 1) < Decimal("0.05")
    assert Decimal(btc["valueExact"]) == Decimal("0.5") * Decimal(btc["price"])
    assert btc["value"] == money(btc["valueExact"])
    # A stablecoin is priced through its own market, never taken as 1 USD.
    assert usdt["status"] == "priced" and usdt["source"] == "kraken:USDTZUSD", usdt
    assert Decimal(usdt["valueExact"]) == Decimal("100") * Decimal(usdt["price"]) and Decimal(usdt["price"]) != 1
    # No market anywhere: quantity shown, value null (never 0), counted, and out of the total.
    assert api3["status"] == "unpriced" and api3["value"] is None and api3["price"] is None, api3
    assert api3["quantity"] == "7"
    assert body["unpricedCount"] == 1 and body["completeness"]["complete"] is False
    assert Decimal(body["totalExact"]) == Decimal(btc["valueExact"]) + Decimal(usdt["valueExact"])
    assert body["total"] == money(body["totalExact"])
    connection = next(c for c in body["connections"] if c["id"] == cid)
    assert connection["freshness"] == "current" and connection["subtotal"]["valueExact"] == body["totalExact"]
    assert [e["exchange"] for e in body["exchanges"]] == ["kraken"]
    kraken = next(m for m in body["markets"] if m["exchange"] == "kraken")
    assert kraken["errorCode"] is None and kraken["succeededAt"]


def test_currency_change_revalues_through_a_fiat_cross_and_btc(logged_in):
    balances = [{"asset": "XXBT", "free": "0.25", "locked": "0"}, {"asset": "ZUSD", "free": "1000", "locked": "0"}]
    synced_kraken_user(logged_in, balances)
    for code, digits in (("EUR", 2), ("JPY", 0), ("BTC", 8)):
        r = logged_in.request("PATCH", "/api/v1/auth/me", json_body={"currency": code})
        assert r.status == 200 and r.json()["user"]["currency"] == code, r
        body = logged_in.get(PORTFOLIO).json()
        assert body["currency"] == code
        usd = asset(body, "USD")
        assert usd["status"] == "priced", usd
        # USD through Kraken's fiat crosses: EUR/USD inverted, USD/JPY as is, BTC/USD inverted.
        assert usd["source"] == {"EUR": "1/kraken:ZEURZUSD", "JPY": "kraken:ZUSDZJPY", "BTC": "1/kraken:XXBTZUSD"}[code], usd
        if code == "BTC":
            assert asset(body, "BTC")["price"] == "1" and asset(body, "BTC")["valueExact"] == "0.25"
        else:
            # Kraken lists BTC/EUR (one leg); BTC in JPY goes through USD.
            assert asset(body, "BTC")["path"] == {"EUR": ["BTC", "EUR"], "JPY": ["BTC", "USD", "JPY"]}[code], asset(body, "BTC")
        assert Decimal(usd["valueExact"]) == Decimal("1000") * Decimal(usd["price"])
        assert body["total"] == money(body["totalExact"], digits), body["total"]
    assert logged_in.get("/api/v1/auth/me").json()["user"]["currency"] == "BTC"
    bad = logged_in.request("PATCH", "/api/v1/auth/me", json_body={"currency": "DOGE"})
    assert bad.status == 422 and "currency" in bad.json()["error"]["fields"], bad
    assert logged_in.request("PATCH", "/api/v1/auth/me", json_body={"currency": "usd"}).status == 422
    for nothing in ({}, {"currency": None}):
        r = logged_in.request("PATCH", "/api/v1/auth/me", json_body=nothing)
        assert r.status == 422 and "currency" in r.json()["error"]["fields"], (nothing, r)


def test_a_market_endpoint_down_leaves_quotes_that_go_stale(logged_in):
    balances = [{"asset": "XETH", "free": "2", "locked": "0"}]
    synced_kraken_user(logged_in, balances)
    admin("kraken", "POST", "/__sandbox/fixture", {"exchangeFaults": {"marketDown": True}})
    try:
        # The quotes were read 20 minutes ago as far as the store knows; the next read fails.
        old = (datetime.now(timezone.utc) - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        with database.connect() as db:
            db.execute("UPDATE market_quotes SET as_of = ? WHERE exchange = ?", (old, "kraken"))
            db.execute("UPDATE market_fetches SET attempted_at = ? WHERE exchange = ?", (old, "kraken"))
        r = run_sync()
        assert r.returncode == 0, r.stderr
        body = logged_in.get(PORTFOLIO).json()
        eth = asset(body, "ETH")
        assert eth["status"] == "stale" and eth["value"] is not None and eth["asOf"].startswith(old[:16]), eth
        assert body["staleCount"] == 1 and body["completeness"]["complete"] is False
        kraken = next(m for m in body["markets"] if m["exchange"] == "kraken")
        assert kraken["errorCode"] == "exchange_unavailable", kraken
    finally:
        admin("kraken", "POST", "/__sandbox/fixture", {"exchangeFaults": {}})


def test_history_has_the_timers_point_and_refuses_bad_ranges(logged_in):
    synced_kraken_user(logged_in, [{"asset": "XXBT", "free": "1", "locked": "0"}])
    total = logged_in.get(PORTFOLIO).json()["totalExact"]
    r = logged_in.get("/api/v1/portfolio/history?resolution=5m")
    assert r.status == 200, r
    points = r.json()["points"]
    assert len(points) == 1 and points[0]["currency"] == "USD" and points[0]["complete"] is True, points
    # The point is the timer's valuation; /portfolio values again with the quotes of the same run.
    assert points[0]["valueExact"] == total
    for query, field in (("from=2026-02-01&to=2026-01-01", "from"), ("resolution=2m", "resolution"),
                         ("from=yesterday", "from"), ("to=2026-13-45", "to"),
                         ("from=2019-01-01&to=2025-01-02&resolution=5m", "resolution")):
        bad = logged_in.get("/api/v1/portfolio/history?" + query)
        assert bad.status == 422 and field in bad.json()["error"]["fields"], (query, bad)
    assert logged_in.get("/api/v1/portfolio/history?from=2019-01-01&to=2025-01-02&resolution=1d").status == 200


def test_statement_as_of_an_instant_between_snapshots(logged_in):
    account, cid = synced_kraken_user(logged_in, [{"asset": "XETH", "free": "3", "locked": "0"}])
    first = datetime.now(timezone.utc)
    before = (first - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    empty = logged_in.get(f"/api/v1/portfolio/statement?at={before}").json()
    assert empty["connections"] == [] and empty["total"] is None
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    statement = logged_in.get(f"/api/v1/portfolio/statement?at={now}").json()
    lines = next(c for c in statement["connections"] if c["id"] == cid)["lines"]
    assert [(l["asset"], l["quantity"], l["status"]) for l in lines] == [("ETH", "3", "priced")], lines
    assert Decimal(lines[0]["valueExact"]) == Decimal("3") * Decimal(lines[0]["price"])
    r = logged_in.get(f"/api/v1/portfolio/statement?at={now}&format=csv")
    assert r.status == 200 and r.header("content-type").startswith("text/csv"), r
    rows = list(csv.DictReader(io.StringIO(r.body.decode())))
    assert rows[0]["asset"] == "ETH" and rows[0]["quantity"] == "3" and rows[0]["connection_id"] == cid
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%d")
    for query, field in (("", "at"), ("at=not-a-time", "at"), (f"at={tomorrow}", "at")):
        bad = logged_in.get("/api/v1/portfolio/statement?" + query)
        assert bad.status == 422 and field in bad.json()["error"]["fields"], (query, bad)
    assert logged_in.get(f"/api/v1/portfolio/statement?at={now}&format=xml").status == 422


def test_export_csv_quotes_labels_and_defuses_formulas(logged_in):
    _, cid = synced_kraken_user(logged_in, [{"asset": "XXBT", "free": "0.1", "locked": "0"},
                                            {"asset": "API3", "free": "5", "locked": "0"}])
    label = '=HYPERLINK("http://x"),"quoted", label'
    assert logged_in.request("PATCH", f"{API}/connections/{cid}", json_body={"label": label}).status == 200
    r = logged_in.get("/api/v1/portfolio/export")
    assert r.status == 200 and r.header("content-type").startswith("text/csv"), r
    text = r.body.decode()
    assert text.endswith("\r\n") and text.splitlines()[0] == (
        "connection_id,connection,exchange,asset,quantity,price,value,currency,status,source,as_of")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {row["connection"] for row in rows} == {"'" + label}, rows
    by_asset = {row["asset"]: row for row in rows}
    assert by_asset["API3"]["value"] == "" and by_asset["API3"]["status"] == "unpriced"
    assert Decimal(by_asset["BTC"]["value"]) == Decimal("0.1") * Decimal(by_asset["BTC"]["price"])
    as_json = logged_in.get("/api/v1/portfolio/export?format=json").json()
    assert {h["asset"] for h in as_json["holdings"]} == {"BTC", "API3"}
    assert logged_in.get("/api/v1/portfolio/export?format=pdf").status == 422


def test_cli_prints_the_portfolio_and_a_statement(logged_in, user):
    synced_kraken_user(logged_in, [{"asset": "XXBT", "free": "2", "locked": "0"}])
    total = logged_in.get(PORTFOLIO).json()["total"]
    out = cli("portfolio", "--user", user[0]).stdout
    assert f"{user[0]}: {total} USD" in out and "BTC" in out, out
    assert user[0] in cli("portfolio").stdout
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    statement = cli("statement", "--user", user[0], "--at", now, "--format", "csv").stdout
    assert statement.splitlines()[0].startswith("at,currency,connection_id") and ",BTC,2," in statement, statement
    refused = cli("statement", "--user", user[0], "--at", "soon", check=False)
    assert refused.returncode != 0 and "--at" in refused.stderr
    future = cli("statement", "--user", user[0], "--at", "2999-01-01", check=False)
    assert future.returncode != 0 and "future" in future.stderr
    assert cli("portfolio", "--user", "nobody@example.com", check=False).returncode != 0
