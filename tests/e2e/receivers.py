"""Local webhook/ntfy receivers for the alert tests: small HTTP servers on loopback that record every request and
answer by path, so a test can make a channel fail in each way an endpoint can.

Paths (anything after them is free, so each test uses its own, e.g. /ok/<uuid>):
  /ok/…            200
  /status/<code>/… that status (404, 500, …)
  /flaky/…         500 the first time a path is seen, 200 afterwards (a retry succeeds)
  /redirect/…      302 to /ok/redirected (never to be followed)
  /slow/…          answers 200 after SLOW_SECONDS (longer than Holdfast's 10 s timeout)

Ports: HOLDFAST_TEST_RECEIVER_BASE (17190 in make test-e2e) + 1…5 are in the stack's HOLDFAST_OUTBOUND_ALLOW;
+9 is not (a loopback service Holdfast must refuse to reach).
"""
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = int(os.environ.get("HOLDFAST_TEST_RECEIVER_BASE", "17190"))
ALLOWED_PORT = BASE + 1
TLS_PORT = BASE + 2  # allowed; HTTPS with the test stack's self-signed certificate, which Holdfast must not trust
UNUSED_ALLOWED_PORT = BASE + 3  # allowed, but nothing listens: unreachable
FORBIDDEN_PORT = BASE + 9
SLOW_SECONDS = 14


class Recorded:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers  # lowercased names
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())


class Receiver:
    """One listening server and what it received."""

    def __init__(self, port, certificate=None):
        """`certificate`: (cert.pem, key.pem) to serve HTTPS instead of HTTP."""
        self.port = port
        self._lock = threading.Lock()
        self._requests = []
        self._seen_flaky = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self._handle()

            def do_GET(self):
                self._handle()

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    receiver._requests.append(Recorded(self.command, self.path, headers, body))
                status, extra = receiver._answer(self.path)
                if status is None:
                    return
                payload = b'{"ok":true}' if status < 300 else b"receiver says no"
                self.send_response(status)
                for name, value in extra:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        if certificate:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _answer(self, path):
        parts = path.strip("/").split("/")
        kind = parts[0] if parts else ""
        if kind == "status" and len(parts) > 1 and parts[1].isdigit():
            return int(parts[1]), []
        if kind == "flaky":
            with self._lock:
                first = path not in self._seen_flaky
                self._seen_flaky.add(path)
            return (500 if first else 200), []
        if kind == "redirect":
            return 302, [("Location", f"http://127.0.0.1:{self.port}/ok/redirected")]
        if kind == "slow":
            time.sleep(SLOW_SECONDS)
            return 200, []
        return 200, []

    def requests(self, prefix=""):
        with self._lock:
            return [r for r in self._requests if r.path.startswith(prefix)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
