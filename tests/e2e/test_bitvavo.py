"""Bitvavo through the API (exchanges-okx-bybit-bitvavo.md §C): spot and fixed staking read once each and summed
(the two are disjoint, so a staked coin is counted once, never twice), a key refused on staking reported as an
unread wallet, key problems with their own codes, and key rights shown as unknown (Bitvavo cannot be asked).
Real binaries, real HTTP to the sandbox."""
from sandbox import admin, credentials, new_account, set_faults
from test_connections import API, connect, holdings
from test_wallets import wallets_by_asset

SPOT = [{"asset": "EUR", "free": "100.5", "locked": "0"}, {"asset": "ETH", "free": "0.8", "locked": "0.5"}]
STAKED = {"staking": [{"symbol": "ETH", "amount": "0.75"}]}


def update_knobs(account, **knobs):
    """Replaces the account's Bitvavo knobs (`FixtureBitvavo`) in the sandbox."""
    account["bitvavo"] = {**(account.get("bitvavo") or {}), **knobs}
    admin("bitvavo", "POST", "/__sandbox/fixture", {"account": account})


def test_spot_and_staking_are_summed_once_with_their_wallets(logged_in):
    account = new_account("bitvavo", balances=SPOT, bitvavo=STAKED)
    r = connect(logged_in, account)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["unreadWallets"] == []
    # In-order coins are held (available + inOrder); staked coins are not also in /balance, so 2.05, not 2.8.
    assert holdings(logged_in, connection["id"]) == {"EUR": "100.5", "ETH": "2.05"}
    assert wallets_by_asset(logged_in, connection["id"])["ETH"] == [("spot", "ETH", "1.3"), ("staking", "ETH", "0.75")]


def test_permissions_are_unknown_never_read_only(logged_in):
    r = connect(logged_in, new_account("bitvavo"))
    assert r.status == 201, r
    permissions = r.json()["connection"]["permissions"]
    assert permissions["canRead"] is True
    assert permissions.get("canTrade") is None and permissions.get("canWithdraw") is None
    # Nothing claims the key is read-only: the warning says so, and the exchange list marks rights uncheckable.
    assert "cannot tell whether this key may trade or withdraw" in permissions["warning"]
    supported = {e["id"]: e for e in logged_in.get(f"{API}/supported").json()["exchanges"]}
    assert supported["bitvavo"]["permissionsCheckable"] is False
    assert "cannot check" in supported["bitvavo"]["readOnlyKeyHelp"]


def test_bitvavo_has_one_host_and_no_region(logged_in):
    supported = {e["id"]: e for e in logged_in.get(f"{API}/supported").json()["exchanges"]}
    assert supported["bitvavo"]["regions"] == []
    account = new_account("bitvavo")
    r = logged_in.post(f"{API}/connect", credentials(account, region="eu"))
    assert r.status == 422 and "region" in r.json()["error"]["fields"], r
    assert logged_in.get(f"{API}/connections").json()["connections"] == []
    r = connect(logged_in, account)
    assert r.status == 201 and r.json()["connection"].get("region") is None, r


def test_refused_staking_is_an_unread_wallet(logged_in):
    account = new_account("bitvavo", balances=SPOT, bitvavo={**STAKED, "stakingRefused": True})
    r = connect(logged_in, account)
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert [(w["wallet"], w["reason"]) for w in connection["unreadWallets"]] == [("staking", "permission_denied")]
    assert holdings(logged_in, connection["id"]) == {"EUR": "100.5", "ETH": "1.3"}


def test_key_problems_have_their_own_codes(logged_in):
    cases = [
        ({"unconfirmedKey": True}, "invalid_credentials", "e-mail"),
        ({"accountLocked": True}, "permission_denied", "locked"),
    ]
    for knobs, code, words in cases:
        account = new_account("bitvavo", bitvavo=knobs)
        r = logged_in.post(f"{API}/connect", credentials(account))
        assert r.status == 422 and r.error_code == code, r
        assert words in r.json()["error"]["message"]
    account = new_account("bitvavo")
    r = logged_in.post(f"{API}/connect", credentials(account, apiKey=account["apiKey"][:-1]))  # 63 characters: 301
    assert r.status == 422 and r.error_code == "invalid_credentials", r
    set_faults("bitvavo", account, ipRestricted=True)
    r = logged_in.post(f"{API}/connect", credentials(account))
    assert r.status == 422 and r.error_code == "ip_not_allowed", r
    assert logged_in.get(f"{API}/connections").json()["connections"] == []


def test_clock_behind_is_a_clock_error_with_the_offset(logged_in):
    account = new_account("bitvavo")
    set_faults("bitvavo", account, clockSkewMs=-600_000)
    r = connect(logged_in, account)
    assert r.status == 503 and r.error_code == "clock_skew", r
    assert "offset" in r.json()["error"]["message"]


def test_weight_limit_answer_is_rate_limited(logged_in):
    account = new_account("bitvavo")
    r = connect(logged_in, account)
    assert r.status == 201, r
    update_knobs(account, weightLimit=1)  # this key's minute is already over 1: the next call gets 429 / 110
    r = logged_in.post(f"{API}/connections/{r.json()['connection']['id']}/sync")
    assert r.status == 503 and r.json()["error"]["code"] == "rate_limited", r
    assert int(r.header("Retry-After")) >= 1
