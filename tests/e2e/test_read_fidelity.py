"""Issue 11 (fidelity-reads): an exchange answer that cannot be proven complete never replaces holdings, documented
outages are transient, and no client follows a redirect. Real binaries, real HTTP to the sandbox."""
import socket
import threading

import pytest

from sandbox import new_account, set_faults
from test_connections import API, connect, holdings


def sync(client, connection_id):
    return client.post(f"{API}/connections/{connection_id}/sync")


def test_repeated_cursor_keeps_the_holdings_of_the_last_sync(logged_in):
    # The input: every Coinbase page says has_next with the same cursor; the first page holds BTC 0.5, ETH 2.
    account = new_account("coinbase", pageSize=2, balances=[
        {"asset": "BTC", "free": "0.5"}, {"asset": "ETH", "free": "2"},
        {"asset": "SOL", "free": "10"}, {"asset": "USDC", "free": "250"}])
    r = connect(logged_in, account)
    assert r.status == 201, r
    cid = r.json()["connection"]["id"]
    before = holdings(logged_in, cid)
    assert set(before) == {"BTC", "ETH", "SOL", "USDC"}, before

    set_faults("coinbase", account, pagingFault="repeatCursor")
    r = sync(logged_in, cid)
    assert r.status == 503 and r.json()["error"]["code"] == "bad_response", r
    assert holdings(logged_in, cid) == before


@pytest.mark.parametrize("exchange,outage", [
    ("kucoin", "unavailable"), ("kraken", "internalError"), ("kraken", "busy"),
    ("kraken", "deadlineElapsed"), ("binance", "busy"), ("bitvavo", "internalError"), ("bitvavo", "unavailable"),
    ("bybit", "internalError"), ("bybit", "unavailable"), ("bybit", "busy"),
])
def test_documented_outages_are_transient(logged_in, exchange, outage):
    account = new_account(exchange)
    cid = connect(logged_in, account).json()["connection"]["id"]
    before = holdings(logged_in, cid)
    set_faults(exchange, account, outage=outage)
    r = sync(logged_in, cid)
    assert r.status == 503 and r.json()["error"]["code"] == "exchange_unavailable", r
    assert r.json()["connection"]["status"] == "error"
    assert holdings(logged_in, cid) == before


class Listener:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.accepted.append(conn.recv(4096))
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            except OSError:
                pass
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.mark.parametrize("exchange", ["binance", "coinbase", "coinbaseexchange", "kraken", "kucoin", "bitvavo", "bybit"])
def test_a_redirect_is_not_followed(logged_in, exchange):
    listener = Listener()
    try:
        account = new_account(exchange)
        cid = connect(logged_in, account).json()["connection"]["id"]
        before = holdings(logged_in, cid)
        set_faults(exchange, account, redirectTo=f"http://127.0.0.1:{listener.port}/metrics")
        r = sync(logged_in, cid)
        assert r.status == 503 and r.json()["error"]["code"] == "bad_response", r
        assert holdings(logged_in, cid) == before
    finally:
        listener.close()
    # The sync answered only after the client gave up on the 302, so anything sent would have arrived by now.
    assert listener.accepted == []
