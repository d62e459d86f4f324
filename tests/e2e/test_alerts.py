"""Alerts (issue 15) end to end: channels through nginx, alerts found and sent by the timer (holdfast-sync), to
local webhook/ntfy receivers (receivers.py) on loopback ports the stack is allowed to reach
(HOLDFAST_OUTBOUND_ALLOW), and every way an endpoint can fail."""
import hashlib
import hmac
import json
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

import database
from conftest import STATE, wait_until
from receivers import ALLOWED_PORT, FORBIDDEN_PORT, TLS_PORT, UNUSED_ALLOWED_PORT, Receiver
from sandbox import clear_faults, new_account, set_faults
from test_connections import connect
from test_sync_timer import run_sync

API = "/api/v1/alerts"
CONNECTIONS = "/api/v1/exchanges/connections"


@pytest.fixture(scope="module")
def receiver():
    r = Receiver(ALLOWED_PORT)
    yield r
    r.stop()


@pytest.fixture(scope="module")
def forbidden():
    """A loopback service the stack is not allowed to reach: nothing must ever arrive here."""
    r = Receiver(FORBIDDEN_PORT)
    yield r
    assert r.requests() == [], "a request reached a loopback port outside HOLDFAST_OUTBOUND_ALLOW"
    r.stop()


@pytest.fixture(scope="module")
def tls_receiver():
    """HTTPS with a self-signed certificate (the stack's own, made by scripts/stack.sh)."""
    r = Receiver(TLS_PORT, certificate=(str(STATE / "tls" / "cert.pem"), str(STATE / "tls" / "key.pem")))
    yield r
    r.stop()


def url(port, path):
    return f"http://127.0.0.1:{port}{path}"


def unique(prefix):
    return f"/{prefix}/{uuid.uuid4().hex}"


def iso(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def webhook(client, path, port=ALLOWED_PORT):
    r = client.post(f"{API}/channels", {"kind": "webhook", "url": url(port, path)})
    assert r.status == 201, r
    return r.json()


def all_deliveries(client):
    r = client.fresh().get(f"{API}/deliveries?limit=200")
    assert r.status == 200, r
    return r.json()["deliveries"]


def delivery(client, delivery_id):
    return next((d for d in all_deliveries(client) if d["id"] == delivery_id), None)


def send_test(client, channel_id):
    r = client.post(f"{API}/channels/{channel_id}/test")
    assert r.status == 202, r
    assert r.json()["delivery"]["status"] == "pending"
    return r.json()["delivery"]["id"]


def wait_for_outcome(client, delivery_id, timeout=20):
    return wait_until(lambda: (lambda d: d if d and d["status"] != "pending" else None)(delivery(client, delivery_id)),
                      timeout, interval=0.25, message=f"delivery {delivery_id} tried")


def events(receiver, path):
    return [json.loads(r.body) for r in receiver.requests(path)]


def fcgi_log():
    path = STATE / "logs" / "fcgi.log"
    return path.read_text(errors="replace") if path.exists() else ""


def test_webhook_secret_shown_once_and_the_test_alert_is_signed(logged_in, receiver):
    path = unique("ok")
    created = webhook(logged_in, path)
    secret = created["secret"]
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    channel = created["channel"]
    assert channel["kind"] == "webhook" and channel["enabled"] is True and channel["lastDelivery"] is None
    assert "secret" not in channel and "hasToken" not in channel
    listed = logged_in.get(f"{API}/channels")
    assert listed.status == 200 and secret not in listed.body.decode()
    assert [c["id"] for c in listed.json()["channels"]] == [channel["id"]]

    delivery_id = send_test(logged_in, channel["id"])
    request = wait_until(lambda: receiver.requests(path), 15, message="the test alert")[0]
    assert request.method == "POST"
    assert request.header("content-type") == "application/json"
    assert request.header("x-holdfast-event") == "test"
    assert request.header("x-holdfast-delivery") == delivery_id
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.header("x-holdfast-signature") == f"sha256={expected}"
    body = json.loads(request.body)
    assert body["event"] == "test" and body["connection"] is None and body["message"] and body["at"]
    assert secret.encode() not in request.body

    done = wait_for_outcome(logged_in, delivery_id)
    assert done["status"] == "delivered" and done["attempts"] == 1 and done["deliveredAt"]
    assert done["errorCode"] is None and done["nextAttemptAt"] is None
    last = logged_in.get(f"{API}/channels").json()["channels"][0]["lastDelivery"]
    assert last["status"] == "delivered" and last["event"] == "test" and last["errorCode"] is None
    for answer in (logged_in.get(f"{API}/channels"), logged_in.get(f"{API}/deliveries")):
        assert secret not in answer.body.decode()
    assert secret not in fcgi_log()

    assert logged_in.request("DELETE", f"{API}/channels/{channel['id']}").status == 204
    assert logged_in.get(f"{API}/channels").json()["channels"] == []
    assert logged_in.request("DELETE", f"{API}/channels/{channel['id']}").status == 404


def test_ntfy_with_a_token(logged_in, receiver):
    path = unique("ok")
    token = "tk_" + uuid.uuid4().hex
    r = logged_in.post(f"{API}/channels", {"kind": "ntfy", "url": url(ALLOWED_PORT, path), "token": token})
    assert r.status == 201, r
    assert "secret" not in r.json() and token not in r.body.decode()
    channel = r.json()["channel"]
    assert channel["kind"] == "ntfy" and channel["hasToken"] is True
    send_test(logged_in, channel["id"])
    request = wait_until(lambda: receiver.requests(path), 15, message="the ntfy message")[0]
    assert request.header("authorization") == f"Bearer {token}"
    assert request.header("title") == "Holdfast test alert"
    assert request.header("tags") == "bell" and request.header("priority") == "3"
    assert request.body.decode().startswith("This is a test alert from Holdfast")
    for answer in (logged_in.get(f"{API}/channels"), logged_in.get(f"{API}/deliveries")):
        assert token not in answer.body.decode()
    assert token not in fcgi_log()
    # Without a token: no Authorization header.
    bare = unique("ok")
    r = logged_in.post(f"{API}/channels", {"kind": "ntfy", "url": url(ALLOWED_PORT, bare)})
    assert r.status == 201 and r.json()["channel"]["hasToken"] is False
    send_test(logged_in, r.json()["channel"]["id"])
    assert wait_until(lambda: receiver.requests(bare), 15)[0].header("authorization") is None


@pytest.mark.parametrize("body, code", [
    ({"kind": "webhook", "url": f"http://user:pw@127.0.0.1:{ALLOWED_PORT}/x"}, "invalid_url"),
    ({"kind": "webhook", "url": f"http://token@127.0.0.1:{ALLOWED_PORT}/x"}, "invalid_url"),
    ({"kind": "webhook", "url": "ftp://example.com/hook"}, "invalid_url"),
    ({"kind": "webhook", "url": "not a url"}, "invalid_url"),
    ({"kind": "webhook", "url": "https:///no-host"}, "invalid_url"),
    ({"kind": "webhook", "url": f"http://127.0.0.1:{FORBIDDEN_PORT}/x"}, "target_not_allowed"),
    ({"kind": "webhook", "url": f"http://localhost:{FORBIDDEN_PORT}/x"}, "target_not_allowed"),
    ({"kind": "webhook", "url": f"http://[::1]:{FORBIDDEN_PORT}/x"}, "target_not_allowed"),
    ({"kind": "webhook", "url": f"http://[::ffff:127.0.0.1]:{FORBIDDEN_PORT}/x"}, "target_not_allowed"),
    ({"kind": "ntfy", "url": "http://169.254.169.254/latest/meta-data"}, "target_not_allowed"),
    ({"kind": "ntfy", "url": "http://10.0.0.1/topic"}, "target_not_allowed"),
    ({"kind": "email", "url": "https://example.com/x"}, "validation_failed"),
    ({"kind": "webhook"}, "validation_failed"),
    ({"kind": "webhook", "url": "https://example.com/x", "token": "t"}, "validation_failed"),
    ({"kind": "webhook", "url": "https://example.com/" + "a" * 2001}, "validation_failed"),
    ({"kind": "webhook", "url": "https://example.com/x", "extra": 1}, "validation_failed"),
])
def test_bad_channels_are_refused_at_api_time(logged_in, forbidden, body, code):
    r = logged_in.post(f"{API}/channels", body)
    assert r.status == 422, r
    assert r.error_code == code
    if code != "validation_failed":
        assert "url" in r.json()["error"]["fields"]
    assert logged_in.get(f"{API}/channels").json()["channels"] == []


def test_settings_and_limits(logged_in):
    assert logged_in.get(f"{API}/settings").json() == {"staleHours": 24}
    for bad in (0, 721, "12", None, 1.5):
        r = logged_in.request("PATCH", f"{API}/settings", json_body={"staleHours": bad})
        assert r.status == 422 and r.error_code == "validation_failed", (bad, r)
    r = logged_in.request("PATCH", f"{API}/settings", json_body={"staleHours": 6})
    assert r.status == 200 and r.json() == {"staleHours": 6}
    assert logged_in.get(f"{API}/settings").json() == {"staleHours": 6}
    for bad in ("0", "201", "x"):
        assert logged_in.get(f"{API}/deliveries?limit={bad}").status == 422
    for n in range(10):
        webhook(logged_in, f"/ok/limit-{n}")
    r = logged_in.post(f"{API}/channels", {"kind": "webhook", "url": url(ALLOWED_PORT, "/ok/eleventh")})
    assert r.status == 409 and r.error_code == "conflict"
    assert logged_in.post(f"{API}/channels/{uuid.uuid4()}/test").status == 404
    assert logged_in.post(f"{API}/channels/not-an-id/test").status == 404


@pytest.mark.parametrize("port, prefix, code", [
    (ALLOWED_PORT, "status/404", "target_http_404"),
    (ALLOWED_PORT, "status/500", "target_http_500"),
    (ALLOWED_PORT, "redirect", "target_redirect"),
    (UNUSED_ALLOWED_PORT, "nothing-listens", "target_unreachable"),
    (ALLOWED_PORT, "slow", "target_timeout"),
])
def test_a_failing_endpoint_is_recorded_with_backoff(logged_in, receiver, port, prefix, code):
    path = unique(prefix)
    created = webhook(logged_in, path, port=port)
    before_redirected = len(receiver.requests("/ok/redirected"))
    started = time.time()
    delivery_id = send_test(logged_in, created["channel"]["id"])
    done = wait_for_outcome(logged_in, delivery_id, timeout=25)
    assert done["status"] == "failed" and done["errorCode"] == code, done
    assert done["attempts"] == 1 and done["deliveredAt"] is None
    retry = datetime.fromisoformat(done["nextAttemptAt"].replace("Z", "+00:00")).timestamp()
    assert started + 50 < retry < time.time() + 70, "the first retry is a minute later"
    assert created["secret"] not in (done["errorMessage"] or "")
    if code == "target_timeout":
        assert time.time() - started < 25
    if code == "target_redirect":
        assert len(receiver.requests("/ok/redirected")) == before_redirected, "the redirect was followed"
    last = logged_in.get(f"{API}/channels").json()["channels"][0]["lastDelivery"]
    assert last["status"] == "failed" and last["errorCode"] == code


def test_an_untrusted_certificate_is_a_tls_failure(logged_in, tls_receiver):
    path = unique("ok")
    r = logged_in.post(f"{API}/channels", {"kind": "webhook", "url": f"https://127.0.0.1:{TLS_PORT}{path}"})
    assert r.status == 201, r
    done = wait_for_outcome(logged_in, send_test(logged_in, r.json()["channel"]["id"]))
    assert done["status"] == "failed" and done["errorCode"] == "target_tls", done
    assert tls_receiver.requests(path) == [], "no request was sent over the untrusted connection"


def test_a_5xx_is_retried_by_the_timer_and_then_delivered(logged_in, receiver):
    path = unique("flaky")
    created = webhook(logged_in, path)
    delivery_id = send_test(logged_in, created["channel"]["id"])
    first = wait_for_outcome(logged_in, delivery_id)
    assert first["status"] == "failed" and first["errorCode"] == "target_http_500"
    # The timer finds it not yet due: nothing more is sent.
    assert run_sync(timeout=120).returncode == 0
    assert len(receiver.requests(path)) == 1
    # Due now (instead of waiting out the minute): the next timer run sends it again, the same delivery.
    with database.connect() as db:
        db.execute("UPDATE alert_deliveries SET next_attempt_at = ? WHERE id = ?",
                   (iso(datetime.now(timezone.utc) - timedelta(seconds=5)), delivery_id))
    r = run_sync(timeout=120)
    assert r.returncode == 0, r.stderr
    done = delivery(logged_in, delivery_id)
    assert done["status"] == "delivered" and done["attempts"] == 2 and done["errorCode"] is None
    tries = receiver.requests(path)
    assert len(tries) == 2
    assert tries[0].header("x-holdfast-delivery") == tries[1].header("x-holdfast-delivery") == delivery_id
    assert tries[0].body == tries[1].body
    assert tries[0].header("x-holdfast-signature") == tries[1].header("x-holdfast-signature")
    assert created["secret"] not in r.stderr + r.stdout


def test_a_loopback_port_outside_the_list_is_refused_at_send_time(logged_in, forbidden):
    created = webhook(logged_in, unique("ok"))
    # As if the URL had been stored before the operator narrowed HOLDFAST_OUTBOUND_ALLOW.
    with database.connect() as db:
        db.execute("UPDATE alert_channels SET url = ? WHERE id = ?",
                   (url(FORBIDDEN_PORT, "/ok/never"), created["channel"]["id"]))
    delivery_id = send_test(logged_in, created["channel"]["id"])
    done = wait_for_outcome(logged_in, delivery_id)
    assert done["status"] == "failed" and done["errorCode"] == "target_not_allowed", done
    assert forbidden.requests() == []


def refuse_key(client, account, cid):
    set_faults(account["exchange"], account, ipRestricted=True)
    r = client.post(f"{CONNECTIONS}/{cid}/sync")
    assert r.status == 422 and r.error_code == "ip_not_allowed", r


def recover(client, account, cid):
    clear_faults(account["exchange"], account)
    r = client.post(f"{CONNECTIONS}/{cid}/sync")
    assert r.status == 200, r


def connection_events(receiver, path, cid, event):
    return [e for e in events(receiver, path) if e["event"] == event and (e["connection"] or {}).get("id") == cid]


def test_needs_attention_is_alerted_once_then_recovered_once(logged_in, receiver):
    path = unique("ok")
    created = webhook(logged_in, path)
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    refuse_key(logged_in, account, cid)
    for _ in range(3):
        r = run_sync(timeout=120)
        assert r.returncode == 0, r.stderr
    attention = connection_events(receiver, path, cid, "connection.needs_attention")
    assert len(attention) == 1, events(receiver, path)
    assert attention[0]["errorCode"] == "ip_not_allowed"
    assert attention[0]["connection"]["id"] == cid and attention[0]["connection"]["exchange"] == "kucoin"
    request = next(r for r in receiver.requests(path) if json.loads(r.body)["event"] == "connection.needs_attention")
    assert request.header("x-holdfast-signature") == "sha256=" + hmac.new(
        created["secret"].encode(), request.body, hashlib.sha256).hexdigest()

    recover(logged_in, account, cid)
    for _ in range(2):
        assert run_sync(timeout=120).returncode == 0
    assert len(connection_events(receiver, path, cid, "connection.recovered")) == 1
    assert len(connection_events(receiver, path, cid, "connection.needs_attention")) == 1
    everything = b"".join(r.body for r in receiver.requests(path)).decode()
    for secret in filter(None, (account["apiSecret"], account["apiKey"], account.get("passphrase"), created["secret"])):
        assert secret not in everything


def test_an_edit_is_not_a_recovery(logged_in, receiver):
    """Editing a stopped connection clears the engine's flag so retries can resume, but only a successful sync is
    a recovery: no `recovered` before it, exactly one after."""
    path = unique("ok")
    webhook(logged_in, path)
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    refuse_key(logged_in, account, cid)
    assert run_sync(timeout=120).returncode == 0
    assert len(connection_events(receiver, path, cid, "connection.needs_attention")) == 1, events(receiver, path)
    # Renamed with automatic sync off: the flag is cleared and nothing syncs it; the exchange still refuses the key.
    r = logged_in.request("PATCH", f"{CONNECTIONS}/{cid}", json_body={"label": "Renamed", "autoSync": False})
    assert r.status == 200 and r.json()["connection"]["needsAttention"] is False, r
    for _ in range(2):
        assert run_sync(timeout=120).returncode == 0
    assert connection_events(receiver, path, cid, "connection.recovered") == [], events(receiver, path)
    # A manual sync fails again: the same trouble, not a second alert.
    r = logged_in.post(f"{CONNECTIONS}/{cid}/sync")
    assert r.status == 422, r
    assert run_sync(timeout=120).returncode == 0
    assert len(connection_events(receiver, path, cid, "connection.needs_attention")) == 1, events(receiver, path)
    recover(logged_in, account, cid)
    assert run_sync(timeout=120).returncode == 0
    assert len(connection_events(receiver, path, cid, "connection.recovered")) == 1, events(receiver, path)


def test_stale_is_alerted_once_and_recovers(logged_in, receiver):
    assert logged_in.request("PATCH", f"{API}/settings", json_body={"staleHours": 1}).status == 200
    path = unique("ok")
    webhook(logged_in, path)
    account = new_account("kucoin")
    cid = connect(logged_in, account).json()["connection"]["id"]
    now = datetime.now(timezone.utc)
    with database.connect() as db:
        db.execute("UPDATE exchange_connections SET last_sync_at = ?, next_attempt_at = ? WHERE id = ?",
                   (iso(now - timedelta(hours=2)), iso(now + timedelta(days=1)), cid))
    for _ in range(2):
        assert run_sync(timeout=120).returncode == 0
    stale = connection_events(receiver, path, cid, "connection.stale")
    assert len(stale) == 1, events(receiver, path)
    assert stale[0]["staleHours"] == 1
    assert logged_in.post(f"{CONNECTIONS}/{cid}/sync").status == 200
    assert run_sync(timeout=120).returncode == 0
    assert len(connection_events(receiver, path, cid, "connection.recovered")) == 1
    assert len(connection_events(receiver, path, cid, "connection.stale")) == 1


def test_a_failing_channel_never_fails_a_sync(logged_in, receiver):
    path = unique("status/500")
    webhook(logged_in, path)
    broken = new_account("kucoin")
    broken_id = connect(logged_in, broken).json()["connection"]["id"]
    refuse_key(logged_in, broken, broken_id)
    healthy = new_account("kucoin")
    healthy_id = connect(logged_in, healthy).json()["connection"]["id"]
    with database.connect() as db:
        db.execute("UPDATE exchange_connections SET next_attempt_at = ? WHERE id = ?",
                   (iso(datetime.now(timezone.utc) - timedelta(minutes=1)), healthy_id))
    r = run_sync(timeout=120)
    assert r.returncode == 0, r.stderr
    syncs = logged_in.get(f"{CONNECTIONS}/{healthy_id}/syncs").json()["syncs"]
    assert syncs[0]["trigger"] == "scheduled" and syncs[0]["outcome"] == "success", syncs
    failed = [d for d in all_deliveries(logged_in) if d["event"] == "connection.needs_attention"]
    assert failed and all(d["status"] == "failed" and d["errorCode"] == "target_http_500" for d in failed)
    assert len(receiver.requests(path)) == len(failed)
