"""The responder has one site that turns errors into responses: a body the FastCGI layer will not read (a
Content-Length that is not a number, or over 64 KiB) is answered there too, with the catalogue's code and the
headers every error response of the responder carries (the FastCGI layer used to answer these itself, without
`Cache-Control: no-store`). Driven straight through cgi-fcgi, without nginx, which would refuse both first."""
import os
import subprocess

from test_faults import own_responder


def raw_exchange(socket, env):
    """One request through cgi-fcgi with exactly these params: (status, lower-case headers, body bytes)."""
    env = {"REQUEST_METHOD": "POST", "REQUEST_URI": "/api/v1/auth/login", "SCRIPT_NAME": "/api/v1/auth/login",
           "CONTENT_TYPE": "application/json", "PATH": os.environ.get("PATH", ""), **env}
    body = env.pop("_BODY", b"")
    out = subprocess.run(["cgi-fcgi", "-bind", "-connect", socket], input=body, env=env, capture_output=True,
                         timeout=30).stdout
    head, _, payload = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), fields, payload


def test_body_refusals_come_from_the_one_error_site(tmp_path):
    responder, sock, _ = own_responder(tmp_path, tmp_path, "refusals@example.com")
    try:
        cases = [({"CONTENT_LENGTH": "abc"}, 400, b'"code":"bad_request"'),
                 ({"CONTENT_LENGTH": str(70_000), "_BODY": b"x" * 70_000}, 413, b'"code":"payload_too_large"')]
        for env, status, code in cases:
            got, headers, payload = raw_exchange(sock, dict(env))
            assert got == status, (env.get("CONTENT_LENGTH"), got, payload)
            assert code in payload and payload.startswith(b'{"error":{'), payload
            assert headers.get("content-type") == "application/json"
            assert headers.get("cache-control") == "no-store", headers
            assert headers.get("x-request-id"), headers
        assert responder.poll() is None
    finally:
        responder.terminate()
        try:
            responder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            responder.kill()
