"""Binance beyond the spot wallet (exchanges.md §7.1–§7.4) end to end: funding, Simple Earn flexible and locked,
BFUSD held once each; a wallet the key may not read leaves the sync successful; Simple Earn paging that cannot
be proven complete keeps the holdings of the last sync."""
from sandbox import admin, new_account
from test_connections import API, connect, holdings
from test_wallets import wallets_by_asset

SPOT = [{"asset": "USDT", "free": "10", "locked": "0"}, {"asset": "LDUSDT", "free": "5", "locked": "0"},
        {"asset": "LDO", "free": "1", "locked": "0"}]
WALLETS = {"funding": [{"asset": "USDT", "free": "2", "freeze": "1"}],
           "flexible": [{"asset": "USDT", "amount": "5"}],
           "locked": [{"asset": "ETH", "amount": "0.5"}], "bfusd": "3"}


def test_every_wallet_is_held_once(logged_in):
    account = new_account("binance", balances=SPOT, binanceWallets=WALLETS)
    r = connect(logged_in, account)
    assert r.status == 201, r
    cid = r.json()["connection"]["id"]
    assert r.json()["connection"]["unreadWallets"] == []
    # USDT: spot 10 + funding 2 free + 1 frozen + flexible 5; the LDUSDT 5 mirror of the flexible 5 is not added.
    assert holdings(logged_in, cid) == {"USDT": "18", "ETH": "0.5", "BFUSD": "3", "LDO": "1"}
    wallets = wallets_by_asset(logged_in, cid)
    assert sorted(wallets["USDT"]) == [("earn-flexible", "USDT", "5"), ("funding", "USDT", "3"), ("spot", "USDT", "10")]
    assert wallets["ETH"] == [("earn-locked", "ETH", "0.5")]
    assert wallets["LDO"] == [("spot", "LDO", "1")]


def test_a_wallet_the_key_may_not_read_leaves_the_sync_successful(logged_in):
    account = new_account("binance", balances=SPOT, binanceWallets={**WALLETS, "permissionDenied": ["funding"]})
    r = connect(logged_in, account)
    assert r.status == 201, r
    assert [w["wallet"] for w in r.json()["connection"]["unreadWallets"]] == ["funding"]
    assert "Enable Reading" in r.json()["connection"]["unreadWallets"][0]["message"]
    assert holdings(logged_in, r.json()["connection"]["id"]) == {"USDT": "15", "ETH": "0.5", "BFUSD": "3", "LDO": "1"}


def test_incomplete_simple_earn_paging_keeps_the_holdings(logged_in):
    positions = [{"asset": f"A{n}", "amount": "1"} for n in range(150)]
    account = new_account("binance", balances=SPOT, binanceWallets={"flexible": positions})
    r = connect(logged_in, account)
    assert r.status == 201, r
    cid = r.json()["connection"]["id"]
    before = holdings(logged_in, cid)
    assert len(before) == 152, len(before)  # 150 positions over two pages, USDT and LDO

    for fault in ("repeatPage", "totalChanges", "totalTooLarge"):
        admin("binance", "POST", "/__sandbox/fixture",
              {"account": {**account, "binanceWallets": {"flexible": positions, "pagingFault": fault}}})
        r = logged_in.post(f"{API}/connections/{cid}/sync")
        assert r.status == 503 and r.json()["error"]["code"] == "bad_response", (fault, r)
        assert holdings(logged_in, cid) == before


def test_a_failing_wallet_fails_the_sync(logged_in):
    account = new_account("binance", balances=SPOT, binanceWallets=WALLETS)
    cid = connect(logged_in, account).json()["connection"]["id"]
    before = holdings(logged_in, cid)
    admin("binance", "POST", "/__sandbox/fixture",
          {"account": {**account, "binanceWallets": {**WALLETS, "serverError": {"earn-locked": 503}}}})
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 503 and r.json()["error"]["code"] == "exchange_unavailable", r
    assert holdings(logged_in, cid) == before
