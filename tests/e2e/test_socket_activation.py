"""The responder as systemd's socket activation runs it (holdfast-fcgi.socket): the listening socket belongs to
systemd, is passed as fd 3 (LISTEN_FDS=1, LISTEN_PID), and outlives every start of the responder. Here the test
plays systemd: it owns the socket, and starts and stops the responder on it again and again."""

import os
import signal
import socket
import struct
import subprocess
import time

import pytest

from conftest import BIN, STATE

# FastCGI record types and the keep-connection flag (FastCGI specification, sections 3.3 and 5.1).
BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER, KEEP_CONN = 1, 1


def record(kind, request_id, content=b""):
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def name_value(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def fastcgi_get(conn, path, request_id=1, keep=False):
    """Sends one GET over an open FastCGI connection and returns (status, body) once END_REQUEST arrives."""
    params = b"".join(name_value(k.encode(), v.encode()) for k, v in {
        "REQUEST_METHOD": "GET", "REQUEST_URI": path, "SCRIPT_NAME": path, "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": "0"}.items())
    conn.sendall(record(BEGIN_REQUEST, request_id, struct.pack(">HB5x", RESPONDER, KEEP_CONN if keep else 0))
                 + record(PARAMS, request_id, params) + record(PARAMS, request_id)
                 + record(STDIN, request_id))
    output, buffer = b"", b""
    while True:
        while len(buffer) < 8 or len(buffer) < 8 + struct.unpack(">H", buffer[4:6])[0] + buffer[6]:
            chunk = conn.recv(65536)
            assert chunk, "the responder closed the connection before answering"
            buffer += chunk
        _, kind, _, size, padding, _ = struct.unpack(">BBHHBB", buffer[:8])
        content, buffer = buffer[8:8 + size], buffer[8 + size + padding:]
        if kind == STDOUT:
            output += content
        elif kind == END_REQUEST:
            head, _, body = output.partition(b"\r\n\r\n")
            status = int(head.split(b"\r\n")[0].split()[1]) if head.startswith(b"Status:") else 200
            return status, body


def responder_env(tmp_path):
    env = {"PATH": os.environ["PATH"]}
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value
    env.pop("HOLDFAST_SOCKET", None)
    env["HOLDFAST_DATABASE"] = str(tmp_path / "holdfast.sqlite")
    subprocess.run([str(BIN / "holdfast"), "migrate"], env=env, check=True, capture_output=True)
    return env


class SocketUnit:
    """What holdfast-fcgi.socket is: a listening unix socket owned outside the responder."""

    def __init__(self, path):
        self.path = str(path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(64)

    def start_responder(self, env):
        listener = self.listener.fileno()

        def as_fd_3():
            if listener == 3:
                os.set_inheritable(3, True)
            else:
                os.dup2(listener, 3, inheritable=True)
        # LISTEN_PID must be the responder's own pid: sh sets it to $$ and exec keeps that pid.
        return subprocess.Popen(["/bin/sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0"', str(BIN / "holdfast-fcgi")],
                                env=env, preexec_fn=as_fd_3, pass_fds=(3,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)

    def connect(self):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(30)
        conn.connect(self.path)
        return conn

    def get(self, path):
        with self.connect() as conn:
            return fastcgi_get(conn, path)

    def still_listening(self):
        return self.listener.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1

    def close(self):
        self.listener.close()


def stop(responder, seconds=15):
    responder.send_signal(signal.SIGTERM)
    try:
        code = responder.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        responder.kill()
        pytest.fail(f"the responder did not stop within {seconds} s of SIGTERM")
    return code, responder.stderr.read()


@pytest.fixture
def unit(tmp_path):
    unit = SocketUnit(tmp_path / "fcgi.sock")
    yield unit
    unit.close()


def test_the_responder_restarts_again_and_again_on_one_inherited_socket(unit, tmp_path):
    env = responder_env(tmp_path)
    for start in range(4):
        responder = unit.start_responder(env)
        try:
            status, body = unit.get("/health")
            assert status == 200, (start, body)
            assert b'"migrations":"current"' in body
        finally:
            code, log = stop(responder)
        assert code == 0, log
        assert "listener=systemd fd 3" in log
        assert unit.still_listening(), f"stop {start + 1} shut the inherited socket down"


def test_a_connection_made_while_no_responder_runs_is_answered_by_the_next_start(unit, tmp_path):
    env = responder_env(tmp_path)
    responder = unit.start_responder(env)
    assert unit.get("/health")[0] == 200
    code, log = stop(responder)
    assert code == 0, log
    # As during `systemctl restart`: nginx connects and sends its request between the old responder's exit and
    # the new one's start. The request waits in the socket's queue.
    waiting = unit.connect()
    try:
        responder = unit.start_responder(env)
        try:
            status, body = fastcgi_get(waiting, "/health")
            assert status == 200, body
        finally:
            code, log = stop(responder)
        assert code == 0, log
    finally:
        waiting.close()


def test_a_connection_nginx_keeps_open_does_not_hold_up_the_stop(unit, tmp_path):
    """With fastcgi_keep_conn on, a worker waits on nginx's open connection between requests; stopping must not
    wait for nginx to close it, and the next start serves new connections on the same socket."""
    env = responder_env(tmp_path)
    responder = unit.start_responder(env)
    kept = unit.connect()
    try:
        assert fastcgi_get(kept, "/health", keep=True)[0] == 200
        assert fastcgi_get(kept, "/health", request_id=2, keep=True)[0] == 200
        began = time.monotonic()
        code, log = stop(responder)
        assert code == 0, log
        assert time.monotonic() - began < 10, "the stop waited on an idle kept connection"
    finally:
        kept.close()
    responder = unit.start_responder(env)
    try:
        assert unit.get("/health")[0] == 200
    finally:
        assert stop(responder)[0] == 0


def by_hand(env, socket_path, *args):
    """holdfast-fcgi started the way a person would, on its own socket path (no LISTEN_FDS)."""
    return subprocess.Popen([str(BIN / "holdfast-fcgi"), *args], env={**env, "HOLDFAST_SOCKET": str(socket_path)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_responder_started_by_hand_never_takes_over_systemds_socket(unit, tmp_path):
    env = responder_env(tmp_path)
    served = unit.start_responder(env)
    try:
        assert unit.get("/health")[0] == 200
        intruder = by_hand(env, unit.path)
        _, err = intruder.communicate(timeout=30)
        assert intruder.returncode != 0 and "another process already serves" in err, err
        assert os.path.exists(unit.path) and unit.still_listening()
        assert unit.get("/health")[0] == 200  # nginx would still be served
    finally:
        assert stop(served)[0] == 0


def test_help_prints_and_exits_without_serving(unit, tmp_path):
    env = responder_env(tmp_path)
    helped = by_hand(env, unit.path, "--help")
    out, _ = helped.communicate(timeout=30)
    assert helped.returncode == 0 and "takes no arguments" in out
    wrong = by_hand(env, unit.path, "--version")
    _, err = wrong.communicate(timeout=30)
    assert wrong.returncode == 64 and "takes no arguments" in err
    assert unit.still_listening()


def test_a_stale_socket_is_replaced_and_removed_again_at_stop(tmp_path):
    """A socket file left by a responder that died (nobody accepts on it) is taken over; at stop the responder
    removes the socket it made, and only that one."""
    env = responder_env(tmp_path)
    path = tmp_path / "own.sock"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file stays; nothing listens
    responder = by_hand(env, path)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                    conn.settimeout(30)
                    conn.connect(str(path))
                    assert fastcgi_get(conn, "/health")[0] == 200
                    break
            except (ConnectionRefusedError, FileNotFoundError):
                time.sleep(0.05)
        else:
            pytest.fail("the responder never served on the stale socket's path")
    finally:
        code, log = stop(responder)
    assert code == 0, log
    assert not path.exists()
