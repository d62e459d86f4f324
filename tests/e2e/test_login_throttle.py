"""The per-account login throttle through nginx: guesses at one account's password from many addresses (each
within nginx's per-address limit) are stopped after five failures, for a known and an unknown email alike,
and while the key is locked even the right password is refused."""
import time
import uuid

from conftest import STATE, Client
from test_openapi import check


def guess_from_five_addresses(email):
    """Six wrong passwords from each of five addresses: 30 guesses nginx lets through (burst 5, per address)."""
    clients = [Client() for _ in range(5)]
    answers = [c.post("/api/v1/auth/login", {"email": email, "password": f"wrong guess {i}"}) for c in clients for i in range(6)]
    return clients, answers


def assert_throttled_after_five_failures(answers):
    assert [r.status for r in answers[:5]] == [401] * 5, answers
    for r in answers[5:]:
        assert r.status == 429 and r.error_code == "login_throttled", r
        assert 0 < int(r.header("retry-after")) <= 30, r.headers


def log_size():
    """Where the responder's log ends now: lines before it belong to earlier tests or earlier runs on this state."""
    return (STATE / "logs" / "fcgi.log").stat().st_size


def wait_for_log_line(*fragments, since=0, timeout=10):
    """The responder's log line after byte `since` holding every fragment (stderr reaches the file asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        with open(STATE / "logs" / "fcgi.log", "rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        found = [line for line in lines if all(f in line for f in fragments)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_guesses_from_many_addresses_lock_the_account_even_for_the_right_password(user):
    email, password = user
    start = log_size()
    clients, answers = guess_from_five_addresses(email)
    assert_throttled_after_five_failures(answers)

    right = Client().post("/api/v1/auth/login", {"email": email, "password": password})
    assert right.status == 429 and right.error_code == "login_throttled", right
    assert int(right.header("retry-after")) > 0
    check(right, "/api/v1/auth/login", "post")  # the 429 is documented, body and all

    # One warning an operator can alert on, naming the address of the failure that locked the key.
    lines = wait_for_log_line("login throttled", f"client={clients[0].source} ", "failures=5", "locked_for=30",
                              since=start)
    assert len(lines) == 1, lines
    assert "wrong guess" not in lines[0] and email not in lines[0]


def test_an_unknown_email_is_throttled_the_same_way(user):
    unknown = f"nobody-{uuid.uuid4().hex[:12]}@example.com"
    _, answers = guess_from_five_addresses(unknown)
    assert_throttled_after_five_failures(answers)
    # Known and unknown accounts get the same bodies, so the throttle does not reveal who has an account.
    _, known = guess_from_five_addresses(user[0])
    assert [r.json() for r in answers] == [r.json() for r in known]
