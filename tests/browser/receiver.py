"""A local HTTP receiver for what Holdfast sends out (webhooks, ntfy messages, Ghostfolio pushes): it records every
request and answers with a status the test chooses. Listens on 127.0.0.1 only, on one of ui_support.RECEIVER_PORTS
(the ports the browser stack's HOLDFAST_OUTBOUND_ALLOW lets Holdfast reach)."""
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Requests received, as dicts {method, path, headers (lower-case names), body (bytes)}; `status` is answered."""

    def __init__(self, port, status=200, answer=b'{"ok":true}'):
        self.port = port
        self.status = status
        self.answer = answer
        self.requests = []
        self._arrived = threading.Condition()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def record(self, request):
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()

    def wait_for(self, count=1, timeout=20):
        """Waits until `count` requests arrived (a condition, not a fixed sleep); returns them all."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
        assert arrived, f"{self.url} received {len(self.requests)} requests, expected {count}"
        return list(self.requests)

    def json(self, index=-1):
        return json.loads(self.requests[index]["body"])


def _handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            receiver.record({"method": self.command, "path": self.path,
                             "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
            self.send_response(receiver.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        do_POST = do_PUT = do_GET = do_DELETE = _any

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def receiving(port, status=200):
    """A Receiver serving on `port` for the duration of the block."""
    receiver = Receiver(port, status)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
