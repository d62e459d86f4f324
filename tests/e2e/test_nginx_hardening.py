"""nginx hardening through the real stack: rate limits by class (login, calls to an exchange, everything else),
counted per client (an IPv4 address or an IPv6 /64); slow clients; nginx's own errors as JSON with the security
headers.

Besides the e2e stack, a test-only nginx runs from the same rendered files (Deploy/render-nginx.sh) on ports
3210-3213, in front of the stack's responder socket: one server trusts X-Real-IP from 127.0.0.1 (only there) so a
test can present any IPv4 or IPv6 client address, and the production site (nginx/sites/holdfast.conf) runs with
its listen lines moved to loopback ports, so its port-80 redirect server is tested too.
"""
import http.client
import ipaddress
import json
import os
import random
import resource
import selectors
import socket
import ssl
import subprocess
import time
import uuid

import pytest

from conftest import HTTP_PORT, HTTPS_PORT, ROOT, STATE, Client, fresh_source_address

TEST_PORT = 3210        # the server that trusts X-Real-IP
SITE_HTTP_PORT = 3212   # the production site's port-80 server
SITE_HTTPS_PORT = 3213  # the production site's port-443 server

# The waits nginx announces in Retry-After (derivation in nginx/holdfast-http.conf).
RETRY_LOGIN, RETRY_EXPENSIVE, RETRY_GENERAL = 31, 13, 1


def some_email():
    """A fresh address for each login attempt, so the responder's per-account throttle never answers instead of
    nginx."""
    return f"nobody-{uuid.uuid4().hex[:12]}@example.com"


def wrong_login():
    return {"email": some_email(), "password": "not the password"}


def expect_rate_limited(response, retry_after):
    assert response.status == 429, response
    assert response.header("content-type").startswith("application/json"), response.headers
    assert response.error_code == "rate_limited", response
    assert response.header("retry-after") == str(retry_after), response.headers


def is_canonical(path):
    """Whether the responder's router accepts `path` as sent (Sources/Web/Router.swift, canonicalSegments): no "%",
    no empty, "." or ".." segment, so no "//" and no trailing slash."""
    segments = path[1:].split("/")
    return path.startswith("/") and "%" not in path and all(s not in ("", ".", "..") for s in segments)


# ---- A raw HTTP exchange over a socket (nginx's own errors come from requests no HTTP library will send) ----

class RawResponse:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def __repr__(self):
        return f"<{self.status} {self.headers} {self.body[:200]!r}>"


def tls_context():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def raw_exchange(port, data, tls=False, source=None):
    """Sends data as is and reads the answer until nginx closes the connection (every request here ends with a
    close: an error nginx answers itself, or Connection: close)."""
    source = source or fresh_source_address()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    if tls:
        sock = tls_context().wrap_socket(sock, server_hostname="localhost")
    try:
        sock.sendall(data)
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    finally:
        sock.close()
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawResponse(status, headers, body[:int(headers.get("content-length", len(body)))])


# ---- The test-only nginx ----

@pytest.fixture(scope="module")
def test_nginx(tmp_path_factory):
    base = tmp_path_factory.mktemp("nginx-hardening")
    conf, temp = base / "conf", base / "tmp"
    temp.mkdir()
    socket_path = next(line.split("=", 1)[1] for line in (STATE / "holdfast.env").read_text().splitlines()
                       if line.startswith("HOLDFAST_SOCKET="))
    env = dict(os.environ, SOCKET=socket_path, CONF_DIR=str(conf), STATE_DIR=str(base), SERVER_NAME="localhost",
               TLS_CERT=str(STATE / "tls" / "cert.pem"), TLS_KEY=str(STATE / "tls" / "key.pem"),
               WEB_ROOT=str(ROOT / "web"), RATE_LIMIT_DRY_RUN="off")
    subprocess.run([str(ROOT / "Deploy" / "render-nginx.sh"), str(ROOT / "nginx"), str(conf)], env=env, check=True)

    # The production site as rendered, on loopback ports and logging into the temp folder.
    site = (conf / "sites" / "holdfast.conf").read_text()
    for old, new in [("    listen 80;\n", f"    listen 127.0.0.1:{SITE_HTTP_PORT};\n"),
                     ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{SITE_HTTPS_PORT} ssl http2;\n"),
                     ("    listen [::]:80;\n", ""), ("    listen [::]:443 ssl http2;\n", ""),
                     ("/var/log/nginx/holdfast.access.log", str(base / "site-access.log"))]:
        assert old in site, old
        site = site.replace(old, new)
    (conf / "sites" / "holdfast.conf").write_text(site)

    main = base / "nginx.conf"
    main.write_text(f"""
{"user root;" if os.getuid() == 0 else ""}
daemon off;
pid {base}/nginx.pid;
error_log {base}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    fastcgi_temp_path {temp}/fastcgi;
    proxy_temp_path {temp}/proxy;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;

    # The production site (it includes holdfast-http.conf, with the client-key map, the zones, the log format).
    include {conf}/sites/holdfast.conf;
    access_log {base}/access.log holdfast;

    server {{
        listen 127.0.0.1:{TEST_PORT};
        server_name localhost;
        # TEST ONLY: the client address comes from X-Real-IP, so the tests can be any IPv4 or IPv6 client.
        # Never in a shipped config: it would let anyone choose their rate-limit key.
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Real-IP;
        location = /__test/client-key {{ default_type text/plain; return 200 $holdfast_client; }}
        # nginx failing by itself, for the JSON 500 page.
        location = /__test/error-500 {{ return 500; }}
        include {conf}/snippets/holdfast-locations.conf;
    }}
}}
""")
    server = subprocess.Popen(["nginx", "-p", str(base), "-e", str(base / "error.log"), "-c", str(main)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", TEST_PORT), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"test nginx did not start: {server.stdout.read().decode()}"
                                         f"{(base / 'error.log').read_text() if (base / 'error.log').exists() else ''}")
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def as_client(address, method="GET", path="/__test/client-key", body=None):
    """A request to the test server, from 127.0.0.1, presenting `address` as the client's."""
    conn = http.client.HTTPConnection("127.0.0.1", TEST_PORT, timeout=30, source_address=("127.0.0.1", 0))
    try:
        headers = {"X-Real-IP": address}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# ---- 1. Rate limits ----

def test_reads_have_a_generous_limit_of_their_own():
    c = Client()
    # Fast enough that the 10/s refill adds a handful at most before the 429.
    statuses = [c.get("/api/v1/auth/me").status for _ in range(140)]
    assert statuses[:101] == [401] * 101, statuses
    assert 429 in statuses[101:], statuses
    expect_rate_limited(c.get("/api/v1/auth/me"), RETRY_GENERAL)
    # Reads spent nothing of the other limits.
    assert c.post("/api/v1/exchanges/test", {"exchange": "binance"}).status == 401
    assert c.post("/api/v1/auth/login", wrong_login()).status == 401


def test_login_and_exchange_calls_share_the_100_per_15_minutes_limit():
    c = Client()
    # Reads (a page load, polling) do not count against it.
    assert [c.get("/api/v1/exchanges/connections").status for _ in range(30)] == [401] * 30
    some_id = "00000000-0000-4000-8000-000000000001"
    # 6 logins (all the login limit allows) + 15 calls to the exchange endpoints, in every spelling that
    # normalizes to them: 21, the burst of 20 plus one.
    for _ in range(6):
        assert c.post("/api/v1/auth/login", wrong_login()).status == 401
    spellings = ["/api/v1/exchanges/test", "/api/v1/exchanges/test/", "//api/v1/exchanges/connect",
                 "/api/v1/exchanges/./connect", "/api/v1/exchanges/sync-all", "/api/v1/exchanges/sync%2dall",
                 "/api/v1/exchanges/sync-all//", f"/api/v1/exchanges/connections/{some_id}/sync",
                 f"/api/v1/exchanges/connections/{some_id}/sync/", f"/api/v1/exchanges/connections/{some_id}//sync",
                 f"/api/v1/exchanges/connections/{some_id}/%73ync", "/api/v1/exchanges/%74est",
                 "/api/v1/exchanges/connect", "/api/v1/exchanges/test", "/api/v1/exchanges/sync-all"]
    for path in spellings:
        r = c.post(path, {"exchange": "binance"})
        # nginx counts every spelling; the responder routes the raw path: only the canonical spelling reaches a
        # route (401: no session), every other one is 404 before any route.
        expected = (401, "unauthorized") if is_canonical(path) else (404, "not_found")
        assert (r.status, r.error_code) == expected, (path, r)
    for path in ["/api/v1/exchanges/connect/", f"/api/v1/exchanges/connections/{some_id}/sync"]:
        expect_rate_limited(c.post(path, {"exchange": "binance"}), RETRY_EXPENSIVE)
    # A PATCH of a connection may carry a new key to test with the exchange, and nginx cannot see the body:
    # every PATCH of a connection counts as an exchange call, a label change too.
    expect_rate_limited(c.request("PATCH", f"/api/v1/exchanges/connections/{some_id}", json_body={"label": "x"}),
                        RETRY_EXPENSIVE)
    expect_rate_limited(c.request("PATCH", f"/api/v1/exchanges/connections/{some_id}/", json_body={"label": "x"}),
                        RETRY_EXPENSIVE)
    # Everything else goes on, other methods on the same connection included.
    assert c.get("/api/v1/auth/me").status == 401
    assert c.get(f"/api/v1/exchanges/connections/{some_id}/holdings").status == 401
    assert c.request("DELETE", f"/api/v1/exchanges/connections/{some_id}").status == 401
    assert c.request("PATCH", "/api/v1/auth/me", json_body={"currency": "EUR"}).status == 401


def test_every_spelling_of_login_is_under_the_login_limit():
    c = Client()
    spellings = ["/api/v1/auth/login/", "//api/v1/auth/login", "/api/v1/auth/%6cogin", "/api/v1/auth/./login",
                 "/api/v1/auth/login//", "/api/v1/auth/../auth/login"]
    for path in spellings:
        # None is the canonical spelling, so the router answers 404 (and nginx still counts each as a login).
        assert not is_canonical(path)
        r = c.post(path, wrong_login())
        assert r.status == 404 and r.error_code == "not_found", (path, r)
    expect_rate_limited(c.post("/api/v1/auth/login", wrong_login()), RETRY_LOGIN)
    expect_rate_limited(c.post("/api/v1/auth/login/", wrong_login()), RETRY_LOGIN)


def test_retry_after_is_when_the_refusing_limit_admits_again():
    """Each class's limit is tripped from its own address; a request sent Retry-After seconds after the 429 is
    admitted. The waits here are the thing under test, not a guess at timing."""
    login, expensive, general = Client(), Client(), Client()
    refused = {}
    while (r := login.post("/api/v1/auth/login", wrong_login())).status != 429:
        assert r.status == 401, r
    refused["login"] = (time.monotonic(), r)
    while (r := expensive.post("/api/v1/exchanges/test", {"exchange": "binance"})).status != 429:
        assert r.status == 401, r
    refused["expensive"] = (time.monotonic(), r)
    while (r := general.get("/api/v1/auth/me")).status != 429:
        assert r.status == 401, r
    refused["general"] = (time.monotonic(), r)

    retry = {name: int(r.header("retry-after")) for name, (_, r) in refused.items()}
    assert retry == {"login": RETRY_LOGIN, "expensive": RETRY_EXPENSIVE, "general": RETRY_GENERAL}
    again = {"login": lambda: login.post("/api/v1/auth/login", wrong_login()),
             "expensive": lambda: expensive.post("/api/v1/exchanges/test", {"exchange": "binance"}),
             "general": lambda: general.get("/api/v1/auth/me")}
    for name in sorted(refused, key=lambda n: refused[n][0] + retry[n]):
        # Time is the subject: each limit must let the client in again once its Retry-After has passed.
        time.sleep(max(0.0, refused[name][0] + retry[name] - time.monotonic()))
        assert again[name]().status == 401, name


# ---- The client key: IPv4 address, IPv6 /64 ----

def expected_key(address):
    """The key holdfast-client.conf must produce, computed independently with the ipaddress module."""
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    groups = [int.from_bytes(ip.packed[i:i + 2], "big") for i in range(0, 8, 2)]
    return ":".join(f"{g:x}" for g in groups) + "::/64"


def key_of(address):
    status, _, body = as_client(address)
    assert status == 200, (address, status, body)
    return body.decode()


SAME_64 = {
    "2001:db8:1:2::/64": ["2001:db8:1:2::5", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:DB8:1:2::",
                          "2001:0db8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2:ffff::1", "2001:db8:1:2:0:0:1:0"],
    "2001:db8:0:0::/64": ["2001:db8::1", "2001:db8:0:0:1::", "2001:db8::", "2001:db8::ffff:0:0:1"],
    "2001:db8:0:1::/64": ["2001:db8::1:0:0:0:1", "2001:db8:0:1:ffff:ffff:ffff:ffff"],
    "2001:db8:1:0::/64": ["2001:db8:1::5", "2001:db8:1:0:1::"],
    "0:0:0:0::/64": ["::1", "::", "::2", "::1.2.3.4"],
    "fe80:0:0:0::/64": ["fe80::1", "fe80::1:2:3:4"],
    "fe80:0:0:1::/64": ["fe80::1:2:3:4:5", "fe80:0:0:1::9"],
    "0:0:0:1::/64": ["::1:2:3:4:5", "0:0:0:1::"],
    "0:0:1:2::/64": ["::1:2:3:4:5:6", "0:0:1:2::7"],
    "1:0:0:2::/64": ["1::2:3:4:5:6", "1:0:0:2::"],
}


def test_client_key_groups_ipv6_by_64_and_keeps_ipv4_addresses_apart(test_nginx):
    for key, addresses in SAME_64.items():
        for address in addresses:
            assert expected_key(address) == key, address  # the table itself is right
            assert key_of(address) == key, address
    ipv4 = {"203.0.113.7": "203.0.113.7", "203.0.113.8": "203.0.113.8", "::ffff:203.0.113.9": "203.0.113.9",
            "127.0.0.1": "127.0.0.1"}
    for address, key in ipv4.items():
        assert key_of(address) == key, address


def test_client_key_for_every_placement_of_zero_groups(test_nginx):
    """Every pattern of zero and non-zero groups (2^8), so every way nginx may compress an address with "::"."""
    rng = random.Random(64)
    for pattern in range(256):
        groups = [0 if pattern >> i & 1 else rng.randrange(1, 0x10000) for i in range(8)]
        address = ":".join(f"{g:x}" for g in groups)
        assert key_of(address) == expected_key(address), (address, str(ipaddress.ip_address(address)))


def test_a_limit_refuses_the_whole_64_but_not_the_next_one(test_nginx):
    def exchange_call(address):
        return as_client(address, "POST", "/api/v1/exchanges/test", {"exchange": "binance"})

    for _ in range(21):
        assert exchange_call("2001:db8:77:1::1")[0] == 401
    status, headers, body = exchange_call("2001:db8:77:1:ffff:eeee:dddd:cccc")
    assert status == 429 and json.loads(body)["error"]["code"] == "rate_limited", (status, body)
    assert headers["retry-after"] == str(RETRY_EXPENSIVE)
    assert exchange_call("2001:db8:77:1::")[0] == 429
    assert exchange_call("2001:db8:77:2::1")[0] == 401
    # IPv4 addresses are each their own client.
    for _ in range(21):
        assert exchange_call("198.51.100.1")[0] == 401
    assert exchange_call("198.51.100.1")[0] == 429
    assert exchange_call("198.51.100.2")[0] == 401


# ---- 2. Slow clients ----

SLOW_HEADERS = 1100     # more than the 1,024 worker_connections the local nginx used to have
SLOW_BODIES = 60
CONNECTION_LIMIT = 32   # limit_conn in snippets/holdfast-server.conf
HEALTH_DEADLINE = 3     # seconds a /health request may take while the slow clients are held


def poll_health(address):
    """One GET /health on a new connection: its status, or the error that stopped it."""
    monitor = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=HEALTH_DEADLINE, source_address=(address, 0))
    try:
        monitor.request("GET", "/health")
        response = monitor.getresponse()
        response.read()
        return response.status
    except OSError as error:
        return repr(error)
    finally:
        monitor.close()


def await_closed_by_server(sockets, deadline):
    """Reads each socket until nginx closes it or the deadline passes; returns those still open."""
    selector = selectors.DefaultSelector()
    for sock in sockets:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=min(1.0, max(0.0, deadline - time.monotonic()))):
            try:
                if key.fileobj.recv(4096):
                    continue  # an answer (a keep-alive connection's); what matters is the close after it
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                pass  # a reset is a close too
            selector.unregister(key.fileobj)
    still_open = [key.fileobj for key in selector.get_map().values()]
    selector.close()
    return still_open


def test_slow_clients_from_one_address_do_not_take_the_server_down():
    """1,100 connections sending a header a byte at a time and 60 dribbling a body, all from one address, are
    held for 12 s while /health is polled from another address: it must answer every time. Bodies beyond the
    per-client connection limit are refused at once with a JSON 429. Then nginx itself must close what is
    left: the slow headers after client_header_timeout (10 s from connecting), the stalled bodies after
    client_body_timeout (10 s from their last byte), an idle keep-alive connection after keepalive_timeout
    (15 s); nginx's defaults (60, 60, 65 s) would not make the deadline of 30 s. Everything is closed at the
    end; the test takes 12 to 25 s."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = SLOW_HEADERS + SLOW_BODIES + 200
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))
    slow_address, monitor_address = fresh_source_address(), fresh_source_address()
    header_head = b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
    # A body route under the general limit (a PATCH of a connection is counted as an exchange call, whose burst of
    # 20 would refuse these bodies before the connection limit does).
    body_head = (b"PATCH /api/v1/auth/me HTTP/1.1\r\n"
                 b"Host: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
    headers, bodies, sent = [], [], {}
    idle = socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=5, source_address=(monitor_address, 0))
    start = time.monotonic()
    try:
        for _ in range(SLOW_HEADERS):
            sock = socket.socket()
            sock.bind((slow_address, 0))
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", HTTP_PORT))
            headers.append(sock)
            # The request starts at once, as a slowloris does: nginx may close a connection that has sent
            # nothing yet to make room ("reusing connections"), but not one in the middle of a header.
            try:
                sent[sock] = sock.send(header_head)
            except OSError:
                sent[sock] = 0
        for _ in range(SLOW_BODIES):
            sock = socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=5, source_address=(slow_address, 0))
            sock.sendall(body_head)
            sock.setblocking(False)
            bodies.append(sock)
        # A keep-alive connection that asks once, then idles.
        idle.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")

        answers = {sock: b"" for sock in bodies}   # what nginx sent on each slow body
        health = []
        while time.monotonic() - start < 12:
            for sock in headers:
                try:
                    # The rest of the request line and header name, then one byte of an endless value.
                    chunk = header_head[sent[sock]:] or b"a"
                    sent[sock] += sock.send(chunk)
                except OSError:
                    pass  # not connected yet, buffer full, or closed: the end of the test checks closes
            for sock in bodies:
                try:
                    answers[sock] += sock.recv(4096)
                except OSError:
                    pass
                if not answers[sock]:
                    try:
                        sock.send(b" ")
                    except OSError:
                        pass
            health.append(poll_health(monitor_address))
            # Time is the subject: slow clients trickle a byte every 0.2 s for 12 s while /health must answer.
            time.sleep(0.2)

        assert health and all(status == 200 for status in health), health
        refused = [data for data in answers.values() if data]
        assert len(refused) == SLOW_BODIES - CONNECTION_LIMIT, (len(refused), refused[:3])
        for data in refused:
            head, _, body = data.partition(b"\r\n\r\n")
            head += b"\r\n"
            assert head.startswith(b"HTTP/1.1 429"), data
            assert b"\r\nContent-Type: application/json\r\n" in head, data
            assert b"\r\nRetry-After: 10\r\n" in head, data
            assert json.loads(body)["error"]["code"] == "rate_limited", data

        # Nothing more is sent: nginx must close every slow connection itself (without an answer: it only
        # logs the 408), and the idle keep-alive one.
        admitted = [sock for sock in bodies if not answers[sock]]
        still_open = await_closed_by_server(headers + admitted + [idle], start + 30)
        assert not still_open, (f"{len(set(still_open) & set(headers))} slow headers, "
                                f"{len(set(still_open) & set(admitted))} stalled bodies, "
                                f"idle keep-alive: {idle in still_open}; still open after 30 s")
    finally:
        for sock in headers + bodies + [idle]:
            sock.close()


# ---- 3. nginx's own errors: JSON, with the security headers ----

def http_request(line, *headers, body=b""):
    return line.encode() + b"\r\n" + b"".join(h.encode() + b"\r\n" for h in headers) + b"\r\n" + body


ERRORS = {
    "a request line that is not HTTP": (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    "HTTP/1.1 without Host": (http_request("GET /api/v1/auth/me HTTP/1.1"), 400, "bad_request"),
    "1,000 header lines": (http_request("GET /api/v1/auth/me HTTP/1.1", "Host: localhost",
                                        *[f"X-Header-{i}: {i}" for i in range(1000)]), 431, "header_too_large"),
    "one header of 20 KB": (http_request("GET /api/v1/auth/me HTTP/1.1", "Host: localhost", "X-Big: " + "a" * 20000),
                            431, "header_too_large"),
    "a URI of 20 KB": (http_request("GET /api/v1/" + "a" * 20000 + " HTTP/1.1", "Host: localhost"), 414,
                       "uri_too_long"),
    "Transfer-Encoding: gzip": (http_request("POST /api/v1/auth/login HTTP/1.1", "Host: localhost",
                                             "Transfer-Encoding: gzip"), 501, "not_implemented"),
    "TRACE": (http_request("TRACE /api/v1/auth/me HTTP/1.1", "Host: localhost"), 405, "method_not_allowed"),
    "HTTP/2.0 in a request line": (http_request("GET /health HTTP/2.0", "Host: localhost"), 505,
                                   "http_version_not_supported"),
    "an internal page asked for": (http_request("GET /__holdfast/error/400 HTTP/1.1", "Host: localhost",
                                                "Connection: close"), 404, "not_found"),
}
# Only where the API and the web UI are served: the port-80 server redirects such requests before reading a body.
SERVED_ERRORS = {
    "malformed chunked body": (http_request("POST /api/v1/auth/login HTTP/1.1", "Host: localhost",
                                            "Transfer-Encoding: chunked", "Content-Type: application/json",
                                            body=b"zz\r\n{}\r\n0\r\n\r\n"), 400, "bad_request"),
    "POST to a static file": (http_request("POST /index.html HTTP/1.1", "Host: localhost", "Content-Length: 2",
                                           "Connection: close", body=b"{}"), 405, "method_not_allowed"),
}
SERVERS = {"local HTTP": (HTTP_PORT, False), "local HTTPS": (HTTPS_PORT, True),
           "site port 80": (SITE_HTTP_PORT, False), "site port 443": (SITE_HTTPS_PORT, True)}


def expect_json_error(response, status, code, tls):
    assert response.status == status, response
    assert response.headers.get("content-type") == "application/json", response
    assert json.loads(response.body)["error"]["code"] == code, response
    assert response.headers.get("x-content-type-options") == "nosniff", response
    assert response.headers.get("x-frame-options") == "DENY", response
    assert response.headers.get("referrer-policy") == "no-referrer", response
    assert response.headers.get("strict-transport-security") == ("max-age=63072000" if tls else None), response


# Every error on every server, except the served-only ones on the port-80 server, which redirects them first.
ERROR_CASES = [(server, case) for case in list(ERRORS) + list(SERVED_ERRORS) for server in SERVERS
               if not (case in SERVED_ERRORS and server == "site port 80")]


@pytest.mark.parametrize("server,case", ERROR_CASES)
def test_nginx_errors_are_json_with_the_security_headers(request, server, case):
    port, tls = SERVERS[server]
    if server.startswith("site"):
        request.getfixturevalue("test_nginx")
    data, status, code = {**ERRORS, **SERVED_ERRORS}[case]
    expect_json_error(raw_exchange(port, data, tls=tls), status, code, tls)


def test_nginx_internal_error_is_json(test_nginx):
    response = raw_exchange(TEST_PORT, http_request("GET /__test/error-500 HTTP/1.1", "Host: localhost",
                                                    "Connection: close"))
    expect_json_error(response, 500, "internal", tls=False)


@pytest.mark.parametrize("port", [HTTPS_PORT, SITE_HTTPS_PORT])
def test_plain_http_to_the_https_port_is_json(request, port):
    if port == SITE_HTTPS_PORT:
        request.getfixturevalue("test_nginx")
    response = raw_exchange(port, http_request("GET /health HTTP/1.1", "Host: localhost", "Connection: close"))
    expect_json_error(response, 400, "bad_request", tls=False)


def test_site_port_80_redirects_and_answers_acme_misses_with_headers(test_nginx):
    redirect = raw_exchange(SITE_HTTP_PORT, http_request("GET /api/v1/auth/me?x=1 HTTP/1.1", "Host: holdfast.test",
                                                         "Connection: close"))
    assert redirect.status == 301, redirect
    assert redirect.headers["location"] == "https://holdfast.test/api/v1/auth/me?x=1"
    assert redirect.headers.get("x-content-type-options") == "nosniff", redirect
    assert redirect.headers.get("x-frame-options") == "DENY", redirect
    missing = raw_exchange(SITE_HTTP_PORT, http_request("GET /.well-known/acme-challenge/none HTTP/1.1",
                                                        "Host: holdfast.test", "Connection: close"))
    expect_json_error(missing, 404, "not_found", tls=False)
