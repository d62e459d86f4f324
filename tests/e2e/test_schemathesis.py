"""Schemathesis against openapi.yaml through nginx: generated requests for every operation, with no 5xx and
every response matching the schema.

It runs on its own stack with rate limiting in dry run (limits are computed and logged, not enforced): the
generator sends hundreds of requests from one address, and the real 429s are proven in test_foundation.py."""
import json
import os
import shutil
import subprocess
import urllib.request

import pytest

from conftest import BIN, ROOT

PORTS = {"HOLDFAST_HTTP_PORT": "3121", "HOLDFAST_HTTPS_PORT": "3563", "HOLDFAST_SANDBOX_PORT_BASE": "17120"}


@pytest.fixture(scope="module")
def stack():
    state = ROOT / "state" / "schemathesis"
    env = dict(os.environ, HOLDFAST_STATE_DIR=str(state), HOLDFAST_RATE_LIMIT_DRY_RUN="on", BIN_DIR=str(BIN), **PORTS)
    subprocess.run([str(ROOT / "scripts" / "stack.sh"), "stop"], env=env, capture_output=True)
    shutil.rmtree(state, ignore_errors=True)
    subprocess.run([str(ROOT / "scripts" / "stack.sh"), "start"], env=env, check=True, capture_output=True)
    settings = dict(line.split("=", 1) for line in (state / "holdfast.env").read_text().splitlines() if "=" in line and not line.startswith("#"))
    subprocess.run([str(BIN / "holdfast"), "user", "add", "schema@example.com"], input="correct horse battery staple\n",
                   text=True, env=dict(env, **settings), check=True, capture_output=True)
    try:
        yield env
    finally:
        subprocess.run([str(ROOT / "scripts" / "stack.sh"), "stop"], env=env, capture_output=True)


def test_generated_requests_never_5xx_and_match_the_schema(stack):
    base = f"http://127.0.0.1:{PORTS['HOLDFAST_HTTP_PORT']}"
    request = urllib.request.Request(base + "/api/v1/auth/login", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"email": "schema@example.com", "password": "correct horse battery staple"}).encode())
    login = json.load(urllib.request.urlopen(request, timeout=10))
    result = subprocess.run(
        ["schemathesis", "run", str(ROOT / "openapi.yaml"), "--url", base,
         "-H", f"Authorization: Bearer {login['token']}", "-H", f"X-CSRF-Token: {login['csrfToken']}",
         # Logging out would end the session the rest of the run needs.
         "--exclude-operation-id", "logout",
         "--max-examples", "40", "--seed", "20261129", "--request-timeout", "40",
         "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"],
        capture_output=True, text=True, timeout=900, cwd=ROOT / "state")
    tail = "\n".join(result.stdout.splitlines()[-40:])
    assert result.returncode == 0, tail
    assert " passed" in result.stdout and "failed" not in result.stdout.split("SUMMARY")[-1], tail
