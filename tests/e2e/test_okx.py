"""OKX end to end (issue 17; exchanges-okx-bybit-bitvavo.md §A): trading, funding, Simple Earn and On-chain Earn
held once each through the API, the ETH-staking double-count trap, borrowed coins, keys bound to their regional
host, the key check from `perm`, and the OKX-specific key problems."""
import json

import pytest

from conftest import cli
from sandbox import admin, credentials, new_account, set_faults
from test_connections import API, connect, holdings
from test_wallets import wallets_by_asset

TRADING = [{"asset": "BTC", "free": "0.4", "locked": "0.1"}, {"asset": "USDT", "free": "10", "locked": "0"}]
WALLETS = {"funding": [{"asset": "USDT", "free": "90", "locked": "10"}, {"asset": "BETH", "free": "0.3"}],
           "savings": [{"asset": "USDT", "amount": "50"}], "onchain": [{"asset": "DOT", "amount": "5"}],
           # Account-wide: the 0.3 BETH of the funding account again (the double-count trap, §A.1).
           "ethStaking": "0.3", "perm": "read_only"}


def test_every_place_is_held_once(logged_in):
    account = new_account("okx", balances=TRADING, okx=WALLETS)
    r = connect(logged_in, account)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["unreadWallets"] == []
    # USDT: trading 10 + funding 90 free + 10 frozen + Simple Earn 50; BETH once, not again from ETH staking.
    assert holdings(logged_in, connection["id"]) == {"BTC": "0.5", "USDT": "160", "BETH": "0.3", "DOT": "5"}
    wallets = wallets_by_asset(logged_in, connection["id"])
    assert sorted(wallets["USDT"]) == [("earn-flexible", "USDT", "50"), ("funding", "USDT", "100"), ("trading", "USDT", "10")]
    assert wallets["BETH"] == [("funding", "BETH", "0.3")]
    assert wallets["DOT"] == [("earn-onchain", "DOT", "5")]
    assert wallets["BTC"] == [("trading", "BTC", "0.5")]


def test_borrowed_coins_are_not_held(logged_in):
    account = new_account("okx", balances=[{"asset": "BTC", "free": "0", "liability": "0.2"},
                                           {"asset": "USDT", "free": "100", "liability": "30"}], okx={})
    r = connect(logged_in, account)
    assert r.status == 201, r
    assert holdings(logged_in, r.json()["connection"]["id"]) == {"USDT": "70"}


def test_an_eea_key_works_only_with_the_eea_region(logged_in):
    account = new_account("okx", region="eea")
    body = credentials(account)
    assert body["region"] == "eea"

    for region in ("global", None):
        wrong = dict(body)
        if region is None:
            wrong.pop("region")
        else:
            wrong["region"] = region
        r = logged_in.post(f"{API}/test", wrong)
        assert r.status == 200 and r.json()["success"] is False, r
        error = r.json()["error"]
        assert error["code"] == "invalid_credentials", error
        assert "www.okx.com" in error["message"] and "eea.okx.com" in error["message"], error
        assert "region" in error["message"]
        r = logged_in.post(f"{API}/connect", wrong)
        assert r.status == 422 and r.error_code == "invalid_credentials", r
        for secret in (account["apiSecret"], account["passphrase"]):
            assert secret not in r.body.decode()
    assert logged_in.get(f"{API}/connections").json()["connections"] == []

    r = connect(logged_in, account)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["region"] == "eea"
    assert holdings(logged_in, connection["id"])
    synced = logged_in.post(f"{API}/connections/{connection['id']}/sync")
    assert synced.status == 200, synced
    # The sync went to the EEA host (the sandbox serves it under /eea).
    paths = admin("okx", "GET", "/__sandbox/stats")["paths"]
    assert paths.get("/eea/api/v5/account/balance", 0) >= 2


def test_a_wallet_the_key_may_not_read_leaves_the_sync_successful(logged_in):
    account = new_account("okx", balances=TRADING, okx={**WALLETS, "permissionDenied": ["earn-flexible"]})
    r = connect(logged_in, account)
    assert r.status == 201, r
    unread = r.json()["connection"]["unreadWallets"]
    assert [w["wallet"] for w in unread] == ["earn-flexible"]
    assert "Simple Earn" in unread[0]["message"]
    assert holdings(logged_in, r.json()["connection"]["id"]) == {"BTC": "0.5", "USDT": "110", "BETH": "0.3", "DOT": "5"}


def test_a_failing_wallet_fails_the_sync_and_keeps_the_holdings(logged_in):
    account = new_account("okx", balances=TRADING, okx=WALLETS)
    cid = connect(logged_in, account).json()["connection"]["id"]
    before = holdings(logged_in, cid)
    admin("okx", "POST", "/__sandbox/fixture", {"account": {**account, "okx": {**WALLETS, "serverError": {"earn-onchain": 503}}}})
    r = logged_in.post(f"{API}/connections/{cid}/sync")
    assert r.status == 503 and r.error_code == "exchange_unavailable", r
    assert holdings(logged_in, cid) == before


@pytest.mark.parametrize("perm,trade,withdraw", [
    ("read_only", False, False), ("read_only,trade", True, False), ("read_only,withdraw,trade", True, True),
])
def test_key_rights_come_from_perm(logged_in, perm, trade, withdraw):
    account = new_account("okx", okx={**WALLETS, "perm": perm})
    r = connect(logged_in, account)
    assert r.status == 201, r
    permissions = r.json()["connection"]["permissions"]
    assert permissions["canTrade"] is trade and permissions["canWithdraw"] is withdraw, permissions
    assert (permissions.get("warning") is not None) == (trade or withdraw), permissions


def test_wrong_passphrase(logged_in):
    account = new_account("okx")
    r = logged_in.post(f"{API}/connect", credentials(account, passphrase="not-the-passphrase"))
    assert r.status == 422 and r.error_code == "invalid_passphrase", r
    assert "not-the-passphrase" not in r.body.decode()


def test_a_demo_trading_key_is_explained(logged_in):
    account = new_account("okx", okx={**WALLETS, "demoKey": True})
    r = connect(logged_in, account)
    assert r.status == 422 and r.error_code == "invalid_credentials", r
    assert "Demo Trading" in r.json()["error"]["message"]


def test_clock_skew_on_the_account(logged_in):
    account = new_account("okx")
    set_faults("okx", account, clockSkewMs=-600_000)
    r = connect(logged_in, account)
    assert r.status == 503 and r.error_code == "clock_skew", r
    assert "offset" in r.json()["error"]["message"]


def test_an_ip_outside_the_allow_list_is_named(logged_in):
    account = new_account("okx")
    set_faults("okx", account, ipRestricted=True)
    r = connect(logged_in, account)
    assert r.error_code == "ip_not_allowed", r
    assert "127.0.0.1" in r.json()["error"]["message"]


def test_cli_reads_an_eea_account_on_its_host():
    account = new_account("okx", balances=TRADING, okx=WALLETS, region="eea")
    key = {"apiKey": account["apiKey"], "apiSecret": account["apiSecret"], "passphrase": account["passphrase"]}
    r = cli("exchange", "balances", "okx", stdin=json.dumps({**key, "region": "eea"}), check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    answer = json.loads(r.stdout)
    assert {b["asset"]: b["total"] for b in answer["balances"]} == {"BETH": "0.3", "BTC": "0.5", "DOT": "5", "USDT": "160"}
    assert answer["unreadWallets"] == []

    r = cli("exchange", "balances", "okx", stdin=json.dumps(key), check=False)
    assert r.returncode != 0
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "invalid_credentials" and "eea.okx.com" in error["message"], error
    for secret in (account["apiSecret"], account["passphrase"]):
        assert secret not in r.stdout + r.stderr
