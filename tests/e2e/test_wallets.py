"""Where each holding sits, end to end: the wallet rows of a real sandbox read reach the holdings API through a
real sync, and change with the next sync."""
from sandbox import credentials, new_account, set_balances

API = "/api/v1/exchanges"


def wallets_by_asset(client, connection_id):
    r = client.fresh().get(f"{API}/connections/{connection_id}/holdings")
    assert r.status == 200, r
    return {h["asset"]: [(w["wallet"], w["rawAsset"], w["total"]) for w in h["wallets"]] for h in r.json()["holdings"]}


def test_kraken_lock_up_staking_keeps_its_wallet_rows(logged_in):
    account = new_account("kraken", balances=[{"asset": "DOT", "free": "1"}, {"asset": "DOT28.S", "free": "12.5"},
                                              {"asset": "SOL03.S", "free": "3.25"}, {"asset": "API3", "free": "2"}])
    r = logged_in.post(f"{API}/connect", credentials(account))
    assert r.status == 201, r
    connection = r.json()["connection"]
    assert connection["unreadWallets"] == []
    wallets = wallets_by_asset(logged_in, connection["id"])
    assert wallets["DOT"] == [("spot", "DOT", "1"), ("staked", "DOT28.S", "12.5")]
    assert wallets["SOL"] == [("staked", "SOL03.S", "3.25")]
    assert wallets["API3"] == [("spot", "API3", "2")]

    # Unstaked: the staked row goes, the spot row grows; the portfolio view shows the same rows.
    set_balances("kraken", account, [{"asset": "DOT", "free": "13.5"}])
    assert logged_in.post(f"{API}/connections/{connection['id']}/sync").status == 200
    assert wallets_by_asset(logged_in, connection["id"]) == {"DOT": [("spot", "DOT", "13.5")]}
    portfolios = logged_in.get("/api/v1/portfolios").json()["portfolios"]
    mine = next(p for p in portfolios if p["connectionId"] == connection["id"])
    assert mine["holdings"] == [{"asset": "DOT", "amount": "13.5", "wallets": [
        {"wallet": "spot", "rawAsset": "DOT", "free": "13.5", "locked": "0", "total": "13.5"}]}]
