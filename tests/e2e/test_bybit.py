"""Bybit end to end (exchanges-okx-bybit-bitvavo.md §B): a UTA read wallet by wallet, borrowed coins never
counted, Earn refused for lack of scope reported unread, key problems and location blocks surfaced through the
API. Real binaries, real HTTP to the sandbox's Bybit simulator."""
from datetime import datetime, timedelta, timezone

import pytest

from sandbox import DEMO, credentials, new_account, set_balances, set_faults
from test_connections import API, connect
from test_wallets import wallets_by_asset

TEMPLATE_KNOBS = [a for a in DEMO if a["exchange"] == "bybit"][0]["bybit"]


def bybit_account(balances=None, **knobs):
    """A fresh copy of the demo UTA 2.0 account, with `balances` and Bybit knobs replaced."""
    return new_account("bybit", balances=balances, bybit=dict(TEMPLATE_KNOBS, **knobs))


def test_uta_wallets_per_holding_and_the_overview_not_added(logged_in):
    account = bybit_account()
    r = connect(logged_in, account)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["unreadWallets"] == []
    # USDT: 1250 in the unified wallet of which 200 borrowed, plus 500 in Flexible Saving. The overview's
    # 120.5 of bot funds appears nowhere.
    assert wallets_by_asset(logged_in, connection["id"]) == {
        "BTC": [("unified", "BTC", "0.35")],
        "ETH": [("unified", "ETH", "1.8")],
        "MNT": [("funding", "MNT", "150")],
        "USDC": [("funding", "USDC", "300")],
        "USDT": [("earn-flexible", "USDT", "500"), ("unified", "USDT", "1050")],  # wallets sorted by name
    }
    # Neither the debt nor the bot funds are holdings, but the person sees both on the connection.
    notes = " ".join(connection["notes"])
    assert "200 borrowed" in notes and "debt 200.0123" in notes, connection["notes"]
    assert "TradingBot" in notes and "120.5" in notes, connection["notes"]


def test_borrowed_coins_are_not_counted(logged_in):
    account = bybit_account(balances=[{"asset": "USDT", "free": "100", "wallet": "unified", "liability": "30"},
                                      {"asset": "BTC", "free": "0.5", "wallet": "unified"}])
    r = connect(logged_in, account)
    assert r.status == 201, r
    cid = r.json()["connection"]["id"]
    assert wallets_by_asset(logged_in, cid)["USDT"] == [("unified", "USDT", "70")]

    # Everything in the wallet is borrowed: nothing is owned, and the debt is not a negative holding.
    set_balances("bybit", account, [{"asset": "USDT", "free": "100", "wallet": "unified", "liability": "100"},
                                    {"asset": "BTC", "free": "0.5", "wallet": "unified"}])
    assert logged_in.post(f"{API}/connections/{cid}/sync").status == 200
    assert wallets_by_asset(logged_in, cid) == {"BTC": [("unified", "BTC", "0.5")]}
    assert any("includes 100 borrowed" in note for note in connection_notes(logged_in, cid))

    # The loan repaid with own coins: the whole balance counts.
    set_balances("bybit", account, [{"asset": "USDT", "free": "40", "wallet": "unified"}])
    assert logged_in.post(f"{API}/connections/{cid}/sync").status == 200
    assert wallets_by_asset(logged_in, cid) == {"USDT": [("unified", "USDT", "40")]}


def connection_notes(client, cid):
    connections = client.fresh().get(f"{API}/connections").json()["connections"]
    return next(c for c in connections if c["id"] == cid)["notes"]


def test_missing_earn_scope_leaves_earn_unread(logged_in):
    r = connect(logged_in, bybit_account(earnScopeMissing=True))
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert [(w["wallet"], w["reason"]) for w in connection["unreadWallets"]] == [
        ("earn-flexible", "permission_denied"), ("earn-onchain", "permission_denied")]
    assert all("Earn read permission" in w["message"] for w in connection["unreadWallets"])
    assert wallets_by_asset(logged_in, connection["id"])["USDT"] == [("unified", "USDT", "1050")]


def test_read_write_key_is_reported(logged_in):
    r = logged_in.post(f"{API}/test", credentials(bybit_account(readOnly=0)))
    assert r.status == 200 and r.json()["success"] is True, r
    permissions = r.json()["permissions"]
    assert permissions["canTrade"] is True and permissions["canWithdraw"] is False
    r = logged_in.post(f"{API}/test", credentials(bybit_account()))
    assert r.json()["permissions"]["canTrade"] is False and r.json()["permissions"]["canWithdraw"] is False


@pytest.mark.parametrize("knob,code,words", [
    ("expired", "invalid_credentials", "expired"),
    ("usIP", "region_restricted", "United States"),
])
def test_key_and_location_problems_are_the_users_to_fix(logged_in, knob, code, words):
    r = connect(logged_in, bybit_account(**{knob: True}))
    assert r.status == 422 and r.error_code == code, r
    assert words in r.json()["error"]["message"]
    assert logged_in.get(f"{API}/connections").json()["connections"] == []


def test_rsa_key_is_refused_before_any_request(logged_in):
    account = bybit_account()
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"
    r = logged_in.post(f"{API}/connect", credentials(account, apiSecret=pem))
    assert r.status == 422 and r.error_code == "invalid_key_format", r
    assert "System-generated" in r.json()["error"]["message"]
    assert "MIIE" not in r.body.decode()


def test_key_expiry_is_visible_in_the_connection(logged_in):
    r = connect(logged_in, bybit_account(deadlineDay=10))
    assert r.status == 201, r
    permissions = r.json()["connection"]["permissions"]
    expires = datetime.fromisoformat(permissions["expiresAt"].replace("Z", "+00:00"))
    assert abs((expires - datetime.now(timezone.utc)) - timedelta(days=10)) < timedelta(minutes=5)
    assert "expires" in permissions["warning"]

    # A key bound to an IP never expires (deadlineDay -2, expiredAt 1970): no date, no warning.
    bound = connect(logged_in, bybit_account(deadlineDay=-2)).json()["connection"]["permissions"]
    assert bound.get("expiresAt") is None and bound.get("warning") is None


def test_region_through_the_api(logged_in):
    nl = new_account("bybit", region="nl", balances=[{"asset": "BTC", "free": "0.02", "wallet": "unified"},
                                                    {"asset": "EUR", "free": "150", "wallet": "funding"}])
    # The key on the global host: unknown there, and the message says keys belong to one entity's host.
    global_host = credentials(nl)
    global_host.pop("region")
    r = logged_in.post(f"{API}/connect", global_host)
    assert r.status == 422 and r.error_code == "invalid_credentials", r
    assert "Global (api.bybit.com) does not know this API key" in r.json()["error"]["message"]
    assert "Netherlands" in r.json()["error"]["message"]

    r = connect(logged_in, nl)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["region"] == "nl" and "api.bybit.nl" in connection["regionName"]
    assert wallets_by_asset(logged_in, connection["id"]) == {
        "BTC": [("unified", "BTC", "0.02")], "EUR": [("funding", "EUR", "150")]}
    assert logged_in.post(f"{API}/connections/{connection['id']}/sync").status == 200


def test_eu_host_refuses_ordinary_keys(logged_in):
    r = connect(logged_in, new_account("bybit", region="eu"))
    assert r.status == 422 and r.error_code == "ip_not_allowed", r
    assert "broker" in r.json()["error"]["message"]
    r = connect(logged_in, new_account("bybit", region="eu", bybit=dict(TEMPLATE_KNOBS, brokerKey=True)))
    assert r.status == 201, r


def test_clock_skew_is_recovered_from_the_error_body(logged_in):
    # Bybit's 10002 names the server clock (§B.4): the client retries once with it instead of failing.
    account = bybit_account()
    set_faults("bybit", account, clockSkewMs=-600_000)
    r = connect(logged_in, account)
    assert r.status == 201, r
