"""Issue 11, exchanges.md §9 and §10.4 end to end: a KuCoin unified trading account and classic margin wallets
read net of borrowed coins, a refused margin wallet reported unread, and Coinbase Exchange keys that see several
profiles. Real binaries, real HTTP to the sandbox."""
from sandbox import admin, new_account, set_balances
from test_connections import API, connect, holdings
from test_wallets import wallets_by_asset


def test_kucoin_unified_account_is_read_net_of_liabilities(logged_in):
    account = new_account("kucoin", accountMode="UNIFIED", balances=[
        {"asset": "USDT", "free": "100", "liability": "30"}, {"asset": "BTC", "free": "0.5"}])
    r = connect(logged_in, account)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["unreadWallets"] == []
    assert wallets_by_asset(logged_in, connection["id"]) == {
        "BTC": [("unified", "BTC", "0.5")], "USDT": [("unified", "USDT", "70")]}

    # The loan repaid: the next sync counts the whole balance.
    set_balances("kucoin", account, [{"asset": "USDT", "free": "70"}])
    assert logged_in.post(f"{API}/connections/{connection['id']}/sync").status == 200
    assert wallets_by_asset(logged_in, connection["id"]) == {"USDT": [("unified", "USDT", "70")]}


def test_kucoin_classic_margin_is_netted_and_a_refused_one_is_unread(logged_in):
    balances = [{"asset": "USDT", "free": "100", "wallet": "main"},
                {"asset": "USDT", "free": "25", "wallet": "margin", "liability": "10"}]
    netted = connect(logged_in, new_account("kucoin", balances=balances))
    assert netted.status == 201, netted
    assert wallets_by_asset(logged_in, netted.json()["connection"]["id"])["USDT"] == [
        ("main", "USDT", "100"), ("margin", "USDT", "15")]

    refused = connect(logged_in, new_account("kucoin", balances=balances, marginPermissionDenied=True))
    assert refused.status == 201, refused
    connection = refused.json()["connection"]
    assert [(w["wallet"], w["reason"]) for w in connection["unreadWallets"]] == [("margin", "permission_denied")]
    assert wallets_by_asset(logged_in, connection["id"])["USDT"] == [("main", "USDT", "100")]


def test_coinbase_exchange_repeated_account_counts_once_and_a_conflict_keeps_holdings(logged_in):
    rows = [{"asset": "BTC", "free": "1.5", "locked": "0.5", "wallet": "profile-a"},
            {"asset": "BTC", "free": "0.25", "wallet": "profile-b"}]
    account = new_account("coinbaseexchange", balances=rows, repeatedAccount="identical")
    r = connect(logged_in, account)
    assert r.status == 201, r
    cid = r.json()["connection"]["id"]
    assert holdings(logged_in, cid) == {"BTC": "2.25"}

    admin("coinbaseexchange", "POST", "/__sandbox/fixture", {"account": dict(account, repeatedAccount="conflicting")})
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 503 and r.json()["error"]["code"] == "bad_response", r
    assert holdings(logged_in, cid) == {"BTC": "2.25"}
