"""A small local stand-in for Ghostfolio's API (a real Ghostfolio cannot be installed on these machines), enforcing
the request shapes and rules Holdfast relies on, as read in ghostfolio/ghostfolio (the 2.x line, and the account DTOs
as of 3.39, which removed `isExcluded`: a body that sends it fails there, so the stand-in refuses it):

- POST /api/v1/auth/anonymous {accessToken} -> 201 {authToken}; 403 for any other token
  (apps/api/src/app/auth/auth.controller.ts `accessTokenLogin`; NestJS answers a POST with 201).
- Every other route needs `Authorization: Bearer <authToken>` (AuthGuard('jwt')), else 401.
- A body property a DTO does not declare is a 400 (`ValidationPipe({forbidNonWhitelisted: true, whitelist: true})`,
  apps/api/src/main.ts); so is a field of the wrong type or out of range (class-validator decorators below).
- POST /api/v1/import (apps/api/src/app/import/import.controller.ts, import.service.ts, import-data.dto.ts):
  `accounts` (CreateAccountWithBalancesDto: balance number, comment?, currency code, id?, name,
  platformId string|null, balances?, tags?) and `activities` (CreateOrderDto, libs/common/src/lib/dtos/create-order.dto.ts:
  accountId?, comment?, currency code, dataSource? enum, date ISO 8601 after 1970, fee >= 0, quantity >= 0, symbol,
  tags?, type enum, unitPrice >= 0, updateAccountBalance?). An account is created only when the user has none with
  that id. The data source must be one of DATA_SOURCES (COINGECKO, MANUAL, YAHOO by default) and the symbol known to
  it (`... is not valid for the specified data source`, 400). An activity equal to an existing one (account, comment,
  currency, data source, date to the second, fee, quantity, symbol, type, unit price: `extendActivitiesWithErrors`)
  is a duplicate and skipped; 201 {activities: [the ones created]}.
- PUT /api/v1/account/:id (apps/api/src/app/account/account.controller.ts `update`, UpdateAccountDto in
  libs/common/src/lib/dtos/update-account.dto.ts: balance, comment?, currency, id, name, platformId, tags?; no
  `balances`): 403 when the user has no such account.

Faults for the bad-input tests: `fail_after` (the import stores that many activities, then answers 500: a push
failing mid-way), `status` (every request answers it), `redirect` (302), `slow` (answers after SLOW_SECONDS).
Ports: HOLDFAST_TEST_GHOSTFOLIO_BASE + 1..4 are in the stack's HOLDFAST_OUTBOUND_ALLOW; + 9 is not.
"""
import json
import os
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = int(os.environ.get("HOLDFAST_TEST_GHOSTFOLIO_BASE", "17180"))
FORBIDDEN_PORT = BASE + 9
SLOW_SECONDS = 14

TYPES = {"BUY", "SELL", "DIVIDEND", "FEE", "INTEREST", "LIABILITY"}
DATA_SOURCES = {"COINGECKO", "MANUAL", "YAHOO"}
ALL_DATA_SOURCES = DATA_SOURCES | {"ALPHA_VANTAGE", "EOD_HISTORICAL_DATA", "FINANCIAL_MODELING_PREP", "GHOSTFOLIO",
                                   "GOOGLE_SHEETS", "RAPID_API"}
COINGECKO_IDS = {"bitcoin", "ethereum", "solana", "polkadot", "binancecoin", "ripple", "cardano", "dogecoin", "tron",
                 "litecoin", "chainlink", "tezos", "kucoin-shares", "mantle", "0x", "api3", "lido-dao", "binance-eth"}
CURRENCIES = {"USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD"}
ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")

ACCOUNT_FIELDS = {"balance", "balances", "comment", "currency", "id", "name", "platformId", "tags"}
UPDATE_ACCOUNT_FIELDS = ACCOUNT_FIELDS - {"balances"}
ACTIVITY_FIELDS = {"accountId", "assetClass", "assetSubClass", "comment", "currency", "customCurrency", "dataSource",
                   "date", "fee", "quantity", "symbol", "tags", "type", "unitPrice", "updateAccountBalance"}


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _validate_account(index, account, errors, update=False):
    prefix = f"accounts.{index}." if not update else ""
    for key in account:
        if key not in (UPDATE_ACCOUNT_FIELDS if update else ACCOUNT_FIELDS):
            errors.append(f"{prefix}property {key} should not exist")
    if not _number(account.get("balance")):
        errors.append(f"{prefix}balance must be a number")
    if account.get("currency") not in CURRENCIES:
        errors.append(f"{prefix}currency must be a valid currency code")
    if not isinstance(account.get("name"), str):
        errors.append(f"{prefix}name must be a string")
    if update and not isinstance(account.get("id"), str):
        errors.append("id must be a string")
    if "id" in account and not isinstance(account["id"], str):
        errors.append(f"{prefix}id must be a string")
    if "platformId" not in account or not (account["platformId"] is None or isinstance(account["platformId"], str)):
        errors.append(f"{prefix}platformId must be a string")
    if "comment" in account and not isinstance(account["comment"], str):
        errors.append(f"{prefix}comment must be a string")
    if "tags" in account and not isinstance(account["tags"], list):
        errors.append(f"{prefix}tags must be an array")


def _validate_activity(index, activity, errors):
    prefix = f"activities.{index}."
    if not isinstance(activity, dict):
        errors.append(f"{prefix[:-1]} must be an object")
        return
    for key in activity:
        if key not in ACTIVITY_FIELDS:
            errors.append(f"{prefix}property {key} should not exist")
    for key in ("accountId", "comment"):
        if key in activity and not isinstance(activity[key], str):
            errors.append(f"{prefix}{key} must be a string")
    if activity.get("currency") not in CURRENCIES:
        errors.append(f"{prefix}currency must be a valid currency code")
    if "dataSource" in activity and activity["dataSource"] not in ALL_DATA_SOURCES:
        errors.append(f"{prefix}dataSource must be one of the following values")
    date = activity.get("date")
    if not isinstance(date, str) or not ISO8601.match(date):
        errors.append(f"{prefix}date must be a valid ISO 8601 date string")
    elif date[:4] < "1970":
        errors.append(f"{prefix}date must be after 1970")
    for key in ("fee", "quantity", "unitPrice"):
        if not _number(activity.get(key)):
            errors.append(f"{prefix}{key} must be a number conforming to the specified constraints")
        elif activity[key] < 0:
            errors.append(f"{prefix}{key} must not be less than 0")
    if not isinstance(activity.get("symbol"), str):
        errors.append(f"{prefix}symbol must be a string")
    if activity.get("type") not in TYPES:
        errors.append(f"{prefix}type must be one of the following values: {', '.join(sorted(TYPES))}")


def _same_second(a, b):
    def parse(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).replace(microsecond=0)
    return parse(a) == parse(b)


class Ghostfolio:
    """One stand-in server: its security token, accounts and activities, and its faults."""

    def __init__(self, port, token="standin-security-token-0123456789"):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.token = token
        self.jwt = "jwt-" + uuid.uuid4().hex
        self.lock = threading.Lock()
        self.accounts = {}
        self.activities = []
        self.requests = []  # (method, path, headers, body bytes)
        self.fail_after = None
        self.status = None
        self.redirect = False
        self.slow = False
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PUT(self):
                self._handle("PUT")

            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                with stand_in.lock:
                    stand_in.requests.append((method, self.path, headers, body))
                status, answer, extra = stand_in.answer(method, self.path, headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        with self.lock:
            self.accounts.clear()
            self.activities.clear()
            self.requests.clear()
            self.fail_after = self.status = None
            self.redirect = self.slow = False

    # What the tests read.
    def positions(self, account_id):
        """Quantity per symbol in `account_id` from its BUY and SELL activities (floats, as Ghostfolio keeps them)."""
        held = {}
        with self.lock:
            for activity in self.activities:
                if activity["accountId"] != account_id:
                    continue
                sign = 1 if activity["type"] == "BUY" else -1 if activity["type"] == "SELL" else 0
                held[activity["symbol"]] = round(held.get(activity["symbol"], 0) + sign * activity["quantity"], 12)
        return {symbol: quantity for symbol, quantity in held.items() if quantity != 0}

    def answer(self, method, path, headers, body):
        if self.slow:
            time.sleep(SLOW_SECONDS)
        if self.redirect:
            return 302, {"statusCode": 302}, {"Location": self.url + "/elsewhere"}
        if self.status:
            return self.status, {"statusCode": self.status, "message": "stand-in fault"}, {}
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return 400, {"statusCode": 400, "message": "Unexpected token in JSON"}, {}
        if method == "POST" and path == "/api/v1/auth/anonymous":
            if not isinstance(data, dict) or data.get("accessToken") != self.token:
                return 403, {"statusCode": 403, "message": "Forbidden"}, {}
            return 201, {"authToken": self.jwt}, {}
        if headers.get("authorization") != f"Bearer {self.jwt}":
            return 401, {"statusCode": 401, "message": "Unauthorized"}, {}
        if method == "POST" and path.split("?")[0] == "/api/v1/import":
            return self.import_data(data)
        match = re.fullmatch(r"/api/v1/account/([^/?]+)", path)
        if method == "PUT" and match:
            return self.update_account(match.group(1), data)
        return 404, {"statusCode": 404, "message": f"Cannot {method} {path}"}, {}

    def import_data(self, data):
        errors = []
        if not isinstance(data, dict):
            return 400, {"statusCode": 400, "message": ["body must be an object"]}, {}
        for key in data:
            if key not in {"accounts", "activities", "assetProfiles", "platforms", "tags"}:
                errors.append(f"property {key} should not exist")
        accounts = data.get("accounts", [])
        if not isinstance(accounts, list):
            errors.append("accounts must be an array")
            accounts = []
        for index, account in enumerate(accounts):
            if isinstance(account, dict):
                _validate_account(index, account, errors)
            else:
                errors.append(f"accounts.{index} must be an object")
        activities = data.get("activities")
        if not isinstance(activities, list):
            errors.append("activities must be an array")
            activities = []
        for index, activity in enumerate(activities):
            _validate_activity(index, activity, errors)
        if errors:
            return 400, {"error": "Bad Request", "message": errors, "statusCode": 400}, {}
        for index, activity in enumerate(activities):
            source = activity.get("dataSource", "YAHOO")
            if source not in DATA_SOURCES:
                return 400, {"error": "Bad Request", "message": [f'activities.{index}.dataSource ("{source}") is not valid']}, {}
            if source == "COINGECKO" and activity["symbol"] not in COINGECKO_IDS:
                return 400, {"error": "Bad Request", "message": [
                    f'activities.{index}.symbol ("{activity["symbol"]}") is not valid for the specified data source ("{source}")']}, {}
        created = []
        with self.lock:
            for account in accounts:
                account_id = account.get("id") or str(uuid.uuid4())
                if account_id not in self.accounts:
                    self.accounts[account_id] = dict(account, id=account_id)
            for activity in activities:
                activity = dict(activity, dataSource=activity.get("dataSource", "YAHOO"))
                duplicate = any(
                    old["accountId"] == activity.get("accountId") and old.get("comment") == activity.get("comment")
                    and old["currency"] == activity["currency"] and old["dataSource"] == activity["dataSource"]
                    and _same_second(old["date"], activity["date"]) and old["fee"] == activity["fee"]
                    and old["quantity"] == activity["quantity"] and old["symbol"] == activity["symbol"]
                    and old["type"] == activity["type"] and old["unitPrice"] == activity["unitPrice"]
                    for old in self.activities)
                if duplicate:
                    continue
                if self.fail_after is not None and len(created) >= self.fail_after:
                    return 500, {"statusCode": 500, "message": "Internal server error"}, {}
                activity.setdefault("accountId", None)
                self.activities.append(activity)
                created.append(activity)
        return 201, {"activities": created}, {}

    def update_account(self, account_id, data):
        errors = []
        if isinstance(data, dict):
            _validate_account(0, data, errors, update=True)
        else:
            errors.append("body must be an object")
        if errors:
            return 400, {"error": "Bad Request", "message": errors, "statusCode": 400}, {}
        with self.lock:
            if account_id not in self.accounts:
                return 403, {"statusCode": 403, "message": "Forbidden"}, {}
            self.accounts[account_id].update(data)
            return 200, self.accounts[account_id], {}
