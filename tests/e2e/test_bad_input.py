"""Bad input through the real nginx and responder: each gets its documented 4xx JSON, never a 5xx, and
nothing changes."""
import base64
import hashlib
import hmac
import json
import time

import pytest

from conftest import ALLOWED_ORIGIN, STATE, Client
from sandbox import credentials, new_account
from test_connections import API, connect


def env_value(name):
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if line.startswith(name + "="):
            return line.split("=", 1)[1]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(header, claims, secret=None):
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    key = (secret or env_value("JWT_SECRET")).encode()
    return signing_input + "." + b64url(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


@pytest.fixture
def world(logged_in):
    """A user with one connection, and a snapshot of what must not change."""
    account = new_account("binance")
    cid = connect(logged_in, account, label="Original").json()["connection"]["id"]
    snapshot = lambda: logged_in.get(f"{API}/connections").json()["connections"]
    before = snapshot()
    yield logged_in, cid, account
    after = snapshot()
    strip = lambda cs: [{k: v for k, v in c.items() if k not in ("syncing",)} for c in cs]
    assert strip(after) == strip(before)


def expect(response, status, code):
    assert response.status == status, response
    assert response.header("content-type").startswith("application/json"), response.headers
    assert response.error_code == code, response


def test_malformed_bodies(world):
    c, cid, account = world
    path = f"{API}/connections/{cid}"
    cases = [
        (b"{", "application/json", 400, "bad_request"),
        (b"[1,2,3]", "application/json", 400, "bad_request"),
        (b'"just a string"', "application/json", 400, "bad_request"),
        (b"", "application/json", 400, "bad_request"),
        (b'{"label": "x"}', "text/plain", 415, "unsupported_media_type"),
        (b'{"label": "x"}', "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"label": "\xff\xfe"}', "application/json", 400, "bad_request"),
        (b"[" * 30000 + b"]" * 30000, "application/json", 400, "bad_request"),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, "application/json", 400, "bad_request"),
        (b'{"label": "' + b"x" * 70000 + b'"}', "application/json", 413, "payload_too_large"),
    ]
    for body, content_type, status, code in cases:
        r = Client(); r.token, r.csrf = c.token, c.csrf
        expect(r.request("PATCH", path, raw=body, headers={"Content-Type": content_type}), status, code)


def test_invalid_field_values(world):
    c, cid, _ = world
    path = f"{API}/connections/{cid}"
    cases = [
        {"label": "tab\there"}, {"label": "bell\u0007"}, {"label": "x" * 101}, {"label": 5},
        {"autoSync": "yes"}, {"autoSync": 1}, {"syncInterval": 59}, {"syncInterval": 86401}, {"syncInterval": 1.5},
        {"syncInterval": "300"}, {"status": "deleted"}, {"unknownField": True}, {"label": "ok", "extra": 1},
    ]
    for body in cases:
        r = Client(); r.token, r.csrf = c.token, c.csrf
        response = r.request("PATCH", path, json_body=body)
        expect(response, 422, "validation_failed")
        assert response.json()["error"]["fields"], response


def test_connect_with_bad_fields_lists_every_one(world):
    c, _, _ = world
    r = c.post(f"{API}/connect", {"exchange": "mtgox", "apiKey": "", "apiSecret": 12, "label": "\u0000", "extra": True})
    expect(r, 422, "validation_failed")
    assert set(r.json()["error"]["fields"]) == {"exchange", "apiKey", "apiSecret", "label", "extra"}


def test_bad_ids_in_paths(world):
    c, _, _ = world
    # nginx passes each of these on (a decoded ".." stays inside /api/); the responder routes on the raw path, where
    # a "%" or a segment that is no UUID of the user's is 404 not_found.
    for bad in ["x", "1", "-1", "00000000-0000-0000-0000-00000000000g", "%2e%2e", "..%2f..%2fetc%2fpasswd", "a" * 1000, "%ff%fe"]:
        r = Client(); r.token, r.csrf = c.token, c.csrf
        response = r.get(f"{API}/connections/{bad}/holdings")
        assert response.status == 404 and response.error_code == "not_found", (bad, response)
        assert response.header("content-type").startswith("application/json")


def test_forged_expired_and_alg_none_tokens(world):
    c, _, _ = world
    me = c.get("/api/v1/auth/me").json()["user"]["id"]
    now = int(time.time())
    good_claims = {"sub": me, "sid": "00000000-0000-0000-0000-000000000000", "iat": now, "nbf": now, "exp": now + 600}
    forged = [
        token({"alg": "HS256", "typ": "JWT"}, good_claims, secret="not-the-server-secret-not-the-server"),
        token({"alg": "HS256", "typ": "JWT"}, {**good_claims, "exp": now - 10}),
        token({"alg": "HS256", "typ": "JWT"}, {**good_claims, "nbf": now + 3600}),
        b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." + b64url(json.dumps(good_claims).encode()) + ".",
        token({"alg": "HS512", "typ": "JWT"}, good_claims),
        c.token[:-4] + ("AAAA" if not c.token.endswith("AAAA") else "BBBB"),
        "not.a.token", "", "Bearer",
    ]
    for t in forged:
        response = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {t}"})
        expect(response, 401, "unauthorized")
    # A correctly signed token for a session that does not exist is refused too.
    response = Client().get("/api/v1/auth/me", headers={"Authorization": "Bearer " + token({"alg": "HS256", "typ": "JWT"}, good_claims)})
    expect(response, 401, "unauthorized")


def test_missing_and_foreign_csrf_tokens(world, user):
    c, cid, _ = world
    other = Client()
    other.login(*user)
    for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": other.csrf}, {"X-CSRF-Token": c.csrf + "x"}):
        r = Client(); r.token = c.token
        expect(r.request("PATCH", f"{API}/connections/{cid}", json_body={"label": "changed"}, headers=headers), 403, "csrf_failed")
        r = Client(); r.token = c.token
        expect(r.request("DELETE", f"{API}/connections/{cid}", headers=headers), 403, "csrf_failed")


def test_disallowed_origins_get_no_cors_headers(world):
    c, cid, _ = world
    for origin in ["https://evil.example", "http://localhost:5173.evil.example", "http://LOCALHOST:5173", "null"]:
        r = Client(); r.token, r.csrf = c.token, c.csrf
        response = r.request("PATCH", f"{API}/connections/{cid}", json_body={"label": "cors"}, headers={"Origin": origin, "X-CSRF-Token": "nope"})
        assert response.status == 403
        # Only the configured origin, byte for byte, may ever come back; a browser compares it exactly.
        assert response.header("access-control-allow-origin") in (None, ALLOWED_ORIGIN), (origin, response.headers)
        if origin.lower() != ALLOWED_ORIGIN:
            assert not [h for h in response.headers if h.startswith("access-control-allow")], (origin, response.headers)
    ok = Client().request("OPTIONS", f"{API}/connections/{cid}", headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "PATCH"})
    assert ok.header("access-control-allow-origin") == ALLOWED_ORIGIN


# Other spellings of the login path. nginx matches its locations (and so its rate limits) on the normalised
# path, while the responder routes on the raw one; if these logged in, the spelling would pick the limit.
LOGIN_SPELLINGS = [
    "/api/v1/auth/login/", "/api/v1/auth//login", "//api/v1/auth/login", "/api/v1/auth/./login", "/api/v1/./auth/login",
    "/api/v1/auth/login/.", "/api/v1/x/../auth/login", "/api/v1/auth/%6cogin", "/api/v1/auth/log%69n", "/api/v1/auth/login%2F",
]


def test_login_has_one_spelling(user):
    email, password = user
    for path in LOGIN_SPELLINGS:
        r = Client().post(path, {"email": email, "password": password})
        # 404 from the router, never a session. Each Client has a source address of its own, so nginx's login
        # limit (per address) never answers first.
        assert r.status == 404 and r.error_code == "not_found", (path, r)
        assert r.header("set-cookie") is None and b"token" not in r.body, (path, r)
    assert Client().post("/api/v1/auth/login", {"email": email, "password": password}).status == 200


def test_other_routes_have_one_spelling(world):
    c, cid, _ = world
    for path in ["/api/v1/auth/me/", "/api/v1/auth//me", "/api/v1/auth/./me", "/api/v1/auth/%6de", "//health", "/%68ealth",
                 f"{API}/connections/{cid}/holdings/", f"{API}/connections//{cid}/holdings",
                 f"{API}/connections/{cid.replace('-', '%2d', 1)}/holdings", f"{API}/connections/{cid}/./holdings"]:
        r = Client(); r.token, r.csrf = c.token, c.csrf
        expect(r.get(path), 404, "not_found")
    r = Client(); r.token, r.csrf = c.token, c.csrf
    expect(r.request("PATCH", f"{API}/connections/{cid}/", json_body={"label": "slash"}), 404, "not_found")


BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def test_a_token_has_one_spelling(world):
    c, _, _ = world
    header, payload, signature = c.token.split(".")
    # 32 bytes of MAC are 43 characters; the last one's 2 low bits are unused, and padding is not base64url.
    tail = signature[:-1] + BASE64URL[BASE64URL.index(signature[-1]) | 1]
    assert base64.urlsafe_b64decode(tail + "=") == base64.urlsafe_b64decode(signature + "=")
    for variant in [signature + "=", signature + "==", tail]:
        response = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {header}.{payload}.{variant}"})
        expect(response, 401, "unauthorized")
    assert Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {c.token}"}).status == 200


# Characters that change how the text around them looks, or cannot be seen: text-direction overrides and
# isolates, zero-width characters, the BOM, the soft hyphen, line separators, a dangling joiner.
INVISIBLE_LABELS = [
    "\u202egpj.exe", "Main\u200f", "a\u2066b\u2069", "\u061cx", "Bin\u200bance", "\ufeffMain", "Bin\u00adance",
    "a\u2060b", "one\u2028two", "Main\u200d", "\U000e0041hidden", "\ue000",
]


def test_labels_with_invisible_or_direction_characters_are_refused(world):
    c, cid, account = world
    for label in INVISIBLE_LABELS:
        r = Client(); r.token, r.csrf = c.token, c.csrf
        response = r.request("PATCH", f"{API}/connections/{cid}", json_body={"label": label})
        expect(response, 422, "validation_failed")
        assert set(response.json()["error"]["fields"]) == {"label"}, (label, response)
    for label in ["\u202egpj.exe", "Bin\u200bance"]:
        r = Client(); r.token, r.csrf = c.token, c.csrf
        response = r.post(f"{API}/connect", credentials(new_account("kraken"), label=label))
        expect(response, 422, "validation_failed")
        assert set(response.json()["error"]["fields"]) == {"label"}, (label, response)


def test_labels_keep_emoji_sequences_and_joined_scripts(logged_in):
    label = "\U0001f469\U0001f3fd\u200d\U0001f4bb \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u2764\ufe0f"
    r = logged_in.post(f"{API}/connect", credentials(new_account("kraken"), label=label))
    assert r.status == 201, r
    assert r.json()["connection"]["label"] == label
