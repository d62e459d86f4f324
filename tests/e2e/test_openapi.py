"""openapi.yaml stays true: it is valid OpenAPI 3.1, it lists exactly the routes the responder serves, and real
responses from the running stack match the schemas it declares for their status."""
import re

import jsonschema
import yaml
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import ROOT, Client
from sandbox import clear_faults, credentials, new_account, set_faults

SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
REGISTRY = Registry().with_resource("urn:holdfast", Resource(contents=SPEC, specification=DRAFT202012))


def test_spec_is_valid_openapi_31():
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


def test_spec_lists_exactly_the_routes_served():
    source = (ROOT / "Sources" / "App" / "Routes.swift").read_text()
    served = {(m.lower(), re.sub(r":(\w+)", r"{\1}", p)) for m, p in re.findall(r'router\.add\("(\w+)", "([^"]+)"', source)}
    documented = {(method, path) for path, item in SPEC["paths"].items() for method in item if method in ("get", "post", "put", "patch", "delete")}
    assert served == documented


def test_documented_cookie_is_the_one_login_sets(user):
    name = SPEC["components"]["securitySchemes"]["cookie"]["name"]
    r = Client().post("/api/v1/auth/login", {"email": user[0], "password": user[1]})
    assert r.status == 200, r
    assert r.header("set-cookie").startswith(name + "="), (name, r.header("set-cookie"))
    assert f"`{name}`" in SPEC["info"]["description"]


def schema_for(path, method, status):
    response = SPEC["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].split("/")[-1]]
    return response.get("content", {}).get("application/json", {}).get("schema")


def check(response, path, method):
    assert str(response.status) in SPEC["paths"][path][method]["responses"], (path, method, response)
    schema = schema_for(path, method, response.status)
    if schema is None:
        assert not response.body
        return
    body = response.json()
    resolved = {"$ref": "urn:holdfast#" + schema["$ref"][1:]} if "$ref" in schema else _rebase(schema)
    jsonschema.Draft202012Validator(resolved, registry=REGISTRY).validate(body)


def _rebase(schema):
    """Inline schemas refer to '#/components/...' of the spec document: point them at its URN."""
    if isinstance(schema, dict):
        return {k: ("urn:holdfast" + v if k == "$ref" and v.startswith("#") else _rebase(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def test_responses_match_the_schemas(logged_in, user):
    c = logged_in
    E = "/api/v1/exchanges"
    check(c.get("/health"), "/health", "get")
    check(c.get("/api/v1/auth/me"), "/api/v1/auth/me", "get")
    check(c.get(f"{E}/supported"), f"{E}/supported", "get")
    account = new_account("kucoin", canTrade=True)
    check(c.post(f"{E}/test", credentials(account)), f"{E}/test", "post")
    check(c.post(f"{E}/test", credentials(account, apiKey="0" * 24)), f"{E}/test", "post")
    check(c.post(f"{E}/test", {"exchange": "nope"}), f"{E}/test", "post")
    created = c.post(f"{E}/connect", credentials(account, label="Schema"))
    check(created, f"{E}/connect", "post")
    check(c.post(f"{E}/connect", credentials(account)), f"{E}/connect", "post")  # 409
    check(c.post(f"{E}/connect", credentials(new_account("binance"), apiSecret="wrong")), f"{E}/connect", "post")  # 422
    cid = created.json()["connection"]["id"]
    item = f"{E}/connections/{{id}}"
    check(c.get(f"{E}/connections"), f"{E}/connections", "get")
    check(c.request("PATCH", f"{E}/connections/{cid}", json_body={"label": "Renamed", "syncInterval": 900}), item, "patch")
    check(c.request("PATCH", f"{E}/connections/{cid}", json_body={"syncInterval": 1}), item, "patch")
    # A new key: accepted (200), refused (422), cannot be checked (503), half a key (422).
    replacement = new_account("kucoin")
    rekey = {k: v for k, v in credentials(replacement).items() if k != "exchange"}
    check(c.request("PATCH", f"{E}/connections/{cid}", json_body=rekey), item, "patch")
    check(c.request("PATCH", f"{E}/connections/{cid}", json_body={**rekey, "apiSecret": "wrong"}), item, "patch")
    set_faults("kucoin", replacement, outage="unavailable")
    check(c.request("PATCH", f"{E}/connections/{cid}", json_body=rekey), item, "patch")
    clear_faults("kucoin", replacement)
    check(c.request("PATCH", f"{E}/connections/{cid}", json_body={"apiKey": replacement["apiKey"]}), item, "patch")
    check(c.post(f"{E}/connections/{cid}/sync"), item + "/sync", "post")
    check(c.get(f"{E}/connections/{cid}/holdings"), item + "/holdings", "get")
    check(c.get(f"{E}/connections/{cid}/syncs"), item + "/syncs", "get")
    check(c.get(f"{E}/connections/not-an-id/holdings"), item + "/holdings", "get")
    check(c.post(f"{E}/sync-all"), f"{E}/sync-all", "post")
    check(c.get("/api/v1/portfolios"), "/api/v1/portfolios", "get")
    check(c.request("DELETE", f"{E}/connections/{cid}"), item, "delete")
    check(c.post("/api/v1/auth/logout"), "/api/v1/auth/logout", "post")


def test_alert_responses_match_the_schemas(logged_in):
    from receivers import FORBIDDEN_PORT, UNUSED_ALLOWED_PORT
    from conftest import wait_until
    c = logged_in
    A = "/api/v1/alerts"
    check(c.get(f"{A}/channels"), f"{A}/channels", "get")
    hook = c.post(f"{A}/channels", {"kind": "webhook", "url": f"http://127.0.0.1:{UNUSED_ALLOWED_PORT}/hook"})
    check(hook, f"{A}/channels", "post")
    check(c.post(f"{A}/channels", {"kind": "ntfy", "url": "https://ntfy.example.com/topic", "token": "tk_x"}),
          f"{A}/channels", "post")
    check(c.post(f"{A}/channels", {"kind": "webhook", "url": f"http://127.0.0.1:{FORBIDDEN_PORT}/"}), f"{A}/channels", "post")
    check(c.post(f"{A}/channels", {"kind": "webhook", "url": "http://u:p@example.com/"}), f"{A}/channels", "post")
    check(c.post(f"{A}/channels", {"kind": "sms"}), f"{A}/channels", "post")
    cid = hook.json()["channel"]["id"]
    check(c.post(f"{A}/channels/{cid}/test"), f"{A}/channels/{{id}}/test", "post")
    check(c.post(f"{A}/channels/not-an-id/test"), f"{A}/channels/{{id}}/test", "post")
    wait_until(lambda: c.fresh().get(f"{A}/deliveries").json()["deliveries"][0]["status"] != "pending", 20, interval=0.25)
    check(c.get(f"{A}/deliveries"), f"{A}/deliveries", "get")
    check(c.get(f"{A}/deliveries?limit=0"), f"{A}/deliveries", "get")
    check(c.get(f"{A}/channels"), f"{A}/channels", "get")
    check(c.get(f"{A}/settings"), f"{A}/settings", "get")
    check(c.request("PATCH", f"{A}/settings", json_body={"staleHours": 48}), f"{A}/settings", "patch")
    check(c.request("PATCH", f"{A}/settings", json_body={"staleHours": 0}), f"{A}/settings", "patch")
    check(c.request("DELETE", f"{A}/channels/{cid}"), f"{A}/channels/{{id}}", "delete")
    check(c.request("DELETE", f"{A}/channels/{cid}"), f"{A}/channels/{{id}}", "delete")
