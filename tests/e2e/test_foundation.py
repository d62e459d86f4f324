"""The foundation through the real nginx and responder: health, login, CORS, errors, rate limits."""
import ssl
import http.client
import uuid

from conftest import ALLOWED_ORIGIN, HTTPS_PORT, Client, cli
import database


def test_health_is_ok_and_not_rate_limited(client):
    for _ in range(30):
        r = client.get("/health")
        assert r.status == 200, r
    body = r.json()
    assert {k: body[k] for k in ("status", "database", "migrations", "writes")} == {
        "status": "ok", "database": "ok", "migrations": "current", "writes": "ok"}
    if database.is_postgresql():
        assert "disk" not in body  # the server's disk is the server's to watch
    else:
        assert body["disk"]["status"] in ("ok", "low") and body["disk"]["available_bytes"] > 0
    assert r.header("x-request-id")


def test_login_me_logout_with_bearer_and_cookie(user):
    c = Client()
    r = c.login(*user)
    cookie = r.header("set-cookie")
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Strict" in cookie
    me = c.get("/api/v1/auth/me")
    assert me.status == 200 and me.json()["user"]["email"] == user[0]

    # The cookie alone authenticates too (the browser path).
    by_cookie = Client().get("/api/v1/auth/me", headers={"Cookie": cookie.split(";")[0]})
    assert by_cookie.status == 200

    # Logout needs the CSRF token; then the token is dead.
    no_csrf = c.request("POST", "/api/v1/auth/logout", headers={"X-CSRF-Token": "wrong"})
    assert no_csrf.status == 403 and no_csrf.error_code == "csrf_failed"
    assert c.post("/api/v1/auth/logout").status == 204
    assert c.get("/api/v1/auth/me").status == 401


def test_session_cookie_is_host_only_and_host_prefixed(user):
    r = Client().post("/api/v1/auth/login", {"email": user[0], "password": user[1]})
    assert r.status == 200, r
    pair, *attributes = [part.strip() for part in r.header("set-cookie").split(";")]
    # __Host-: the browser keeps it only with Secure, Path=/ and no Domain, so no sibling subdomain can set it.
    assert pair.startswith("__Host-holdfast_session="), pair
    assert {"Path=/", "Secure", "HttpOnly", "SameSite=Strict"} <= set(attributes), attributes
    assert not [a for a in attributes if a.lower().startswith("domain")], attributes

    c = Client(); c.csrf = r.json()["csrfToken"]
    logout = c.post("/api/v1/auth/logout", headers={"Cookie": pair})
    assert logout.status == 204, logout
    cleared = logout.header("set-cookie")
    assert cleared.startswith("__Host-holdfast_session=;") and "Max-Age=0" in cleared and "Path=/" in cleared, cleared


def test_two_session_cookies_are_refused_even_if_one_is_valid(user):
    first = Client().post("/api/v1/auth/login", {"email": user[0], "password": user[1]}).json()["token"]
    second = Client().post("/api/v1/auth/login", {"email": user[0], "password": user[1]}).json()["token"]
    name = "__Host-holdfast_session"
    for header in [f"{name}={first}; {name}={second}", f"{name}=planted; {name}={first}", f"{name}={first}; {name}=planted",
                   f"{name}={first}; {name}={first}"]:
        r = Client().get("/api/v1/auth/me", headers={"Cookie": header})
        assert r.status == 401 and r.error_code == "unauthorized", (header, r)
    # One copy is enough; an unprefixed cookie (which anyone on a sibling domain could set) is not read at all.
    assert Client().get("/api/v1/auth/me", headers={"Cookie": f"holdfast_session=planted; {name}={first}"}).status == 200
    assert Client().get("/api/v1/auth/me", headers={"Cookie": f"holdfast_session={first}"}).status == 401
    # A Bearer header wins over the cookies, as before.
    both = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {first}", "Cookie": f"{name}=a; {name}=b"})
    assert both.status == 200, both


def test_failed_login_is_generic(user):
    c = Client()
    wrong = c.post("/api/v1/auth/login", {"email": user[0], "password": "not the password"})
    # An email of its own: the per-account throttle counts failures per email across runs on one database.
    unknown = c.post("/api/v1/auth/login", {"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com", "password": "not the password"})
    assert wrong.status == unknown.status == 401
    assert wrong.json() == unknown.json()


def test_cors_preflight_for_the_allowed_origin(client):
    r = client.request("OPTIONS", "/api/v1/auth/me", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-csrf-token"})
    assert r.status == 204
    assert r.header("access-control-allow-origin") == ALLOWED_ORIGIN
    assert r.header("access-control-allow-credentials") == "true"
    assert "PATCH" in r.header("access-control-allow-methods")
    allowed = r.header("access-control-allow-headers").lower()
    assert "authorization" in allowed and "content-type" in allowed and "x-csrf-token" in allowed
    assert int(r.header("access-control-max-age")) > 0
    assert "Origin" in r.header("vary")


def test_cors_headers_on_errors_and_never_for_other_origins(client):
    err = client.get("/api/v1/auth/me", headers={"Origin": ALLOWED_ORIGIN})
    assert err.status == 401 and err.header("access-control-allow-origin") == ALLOWED_ORIGIN
    for origin in ["http://evil.example", "http://localhost:5174", "null"]:
        r = client.request("OPTIONS", "/api/v1/auth/me", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
        assert not [h for h in r.headers if h.startswith("access-control-")], (origin, r.headers)
        r = client.get("/api/v1/auth/me", headers={"Origin": origin})
        assert r.header("access-control-allow-origin") is None
        assert r.header("access-control-allow-origin") != "*"


def test_error_bodies_are_json(logged_in):
    c = logged_in
    cases = [
        (c.get("/api/v1/no/such/thing"), 404, "not_found"),
        (c.request("DELETE", "/api/v1/auth/me"), 405, "method_not_allowed"),
        (c.request("POST", "/api/v1/auth/login", body="email=a", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported_media_type"),
        (c.request("POST", "/api/v1/auth/login", body="{not json", headers={"Content-Type": "application/json"}), 400, "bad_request"),
        (c.request("POST", "/api/v1/auth/logout", headers={"X-CSRF-Token": "nope"}), 403, "csrf_failed"),
        (Client().get("/api/v1/auth/me"), 401, "unauthorized"),
        (c.request("POST", "/api/v1/auth/login", raw=b"{" + b" " * 70000 + b"}", headers={"Content-Type": "application/json"}), 413, "payload_too_large"),
    ]
    for response, status, code in cases:
        assert response.status == status, (status, response)
        assert response.header("content-type").startswith("application/json"), response.headers
        assert response.error_code == code, response
        assert "sqlite" not in response.body.decode().lower()


def test_rate_limit_serves_a_burst_then_429():
    """Calls to an exchange: at most 100 in 15 minutes, after a burst of 20 (5 a minute, burst 20)."""
    c = Client()
    statuses = [c.post("/api/v1/exchanges/test", {"exchange": "binance"}).status for _ in range(22)]
    assert statuses[:21] == [401] * 21, statuses
    assert statuses[21] == 429, statuses
    limited = c.post("/api/v1/exchanges/test", {"exchange": "binance"})
    assert limited.status == 429
    assert limited.error_code == "rate_limited"
    assert int(limited.header("retry-after")) > 0
    # Another client (another IP) is unaffected, and /health stays exempt.
    assert Client().post("/api/v1/exchanges/test", {"exchange": "binance"}).status == 401
    assert c.get("/health").status == 200


def test_login_has_a_stricter_limit():
    c = Client()
    # A new email per attempt, so only nginx's per-address limit is measured, not the per-account throttle.
    statuses = [c.post("/api/v1/auth/login", {"email": f"x-{uuid.uuid4().hex[:12]}@example.com", "password": "wrong password"}).status
                for _ in range(10)]
    assert statuses[:6] == [401] * 6, statuses
    assert statuses[-1] == 429, statuses


def test_https_serves_with_hsts():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", HTTPS_PORT, context=context, timeout=10)
    conn.request("GET", "/health")
    r = conn.getresponse()
    assert r.status == 200
    assert r.getheader("Strict-Transport-Security") == "max-age=63072000"
    assert r.getheader("X-Content-Type-Options") == "nosniff"
    assert conn.sock.version() in ("TLSv1.2", "TLSv1.3")
    conn.close()


def test_cli_refuses_password_on_empty_stdin():
    r = cli("user", "add", "someone@example.com", stdin="", check=False)
    assert r.returncode != 0
    assert "stdin" in r.stderr
