"""The multi-host test (issue 12 §2): one PostgreSQL, two responders and three timers as separate processes,
3,000 due connections against the sandbox. Every connection is synced exactly once per due period (the sandbox
counts requests per key), no sync is applied twice, and after a SIGKILL of one timer mid-run the others finish its
claims once they are free again.

Run it with scripts/multi-host-test.sh (make test-multihost): that script starts the throwaway PostgreSQL server
with a fresh database and the stack of scripts/stack.sh on it (sandbox, the first responder, nginx). This file adds
the second responder to nginx's upstream and runs the three timer "hosts", each with its own egress id and each run
in a pid namespace of its own (so lease holders are in another process space, as on another machine, and the killed
timer's claims return by expiry only); it stops everything it started, on failure too (and the script's trap kills
whatever a crash left, by pid file).

The exchanges are KuCoin and Bitvavo, as in tests/e2e/test_sync_claims.py: their balance read is a fixed set of
requests counted against per-key budgets, which fresh keys never exhaust, so no sync is deferred part-way and a
key's request count tells exactly how often it was fetched.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from conftest import BIN, STATE, Client, cli, wait_until  # noqa: E402
from sandbox import admin, new_account  # noqa: E402
from test_faults import fcgi_request  # noqa: E402
import database  # noqa: E402

CONNECTIONS = 3000
EXCHANGES = ["kucoin", "bitvavo"]
TIMERS = 3
# Syncs at once per timer. On a loaded 2-core machine 8 per timer finished 12 syncs/s, 16 about 18/s; syncs then
# queue for the CPU for seconds, which the deadline below allows for.
CONCURRENCY = 16
# Short, so the killed timer's claims come back within the test; the lease must outlast the slowest sync
# (HOLDFAST_SYNC_LEASE_SECONDS > HOLDFAST_EXCHANGE_DEADLINE_SECONDS + 5). The deadline leaves room for a loaded
# 2-core machine (a sync takes 0.1-6 s here): a sync that ran into it would fail and be due again after a backoff.
LEASE_SECONDS = 40
DEADLINE_SECONDS = 30
# Each exchange request takes this long, so a timer holds claims for a while and the kill finds some.
LATENCY_MS = 20
# The victim is killed once this many connections have been synced: mid-run, with most still due.
KILL_AFTER_SYNCED = 600
RUN_TIMEOUT = 300
PASSWORD = "correct horse battery staple"
API = "/api/v1/exchanges"


def stack_env(**extra):
    """The environment of the stack's services (its env file over this process's), with `extra` on top."""
    env = dict(os.environ)
    for line in (STATE / "holdfast.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value
    env.update(extra)
    return env


class Started:
    """Processes this test started, each with a pid file the wrapper script's trap reads if the test dies."""

    def __init__(self):
        self.processes = {}

    def spawn(self, name, args, env, log):
        with open(STATE / "logs" / log, "ab") as out:
            process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        (STATE / "run" / f"multihost-{name}.pid").write_text(str(process.pid))
        self.processes[name] = process
        return process

    def stop_all(self):
        for name, process in self.processes.items():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            (STATE / "run" / f"multihost-{name}.pid").unlink(missing_ok=True)


@pytest.fixture
def started():
    processes = Started()
    try:
        yield processes
    finally:
        processes.stop_all()


def pid_namespaces_work():
    """Whether this test may give each timer a pid namespace of its own (root, or unprivileged user namespaces)."""
    try:
        return subprocess.run([*NAMESPACE, "true"], capture_output=True, timeout=10).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


# Each timer run gets a pid namespace of its own, as a process on another host has: a lease holder names its process
# space (boot id and pid namespace), and a holder from another space is never judged dead, only expired. So the
# killed timer's claims come back by expiry, as a dead host's would, not by a /proc lookup that works on one host
# only. --kill-child: when unshare dies, so does the timer inside.
NAMESPACE = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]
NAMESPACED = pid_namespaces_work()


class TimerHost(threading.Thread):
    """One timer "host": `holdfast-sync` runs back to back (as the systemd timer starts them), each with this host's
    egress id and in a pid namespace of its own, until told to stop or killed. `freeze()` then `kill()` play the
    host dying: SIGSTOP freezes the timer so the claims it holds can be read without it taking more, then SIGKILL."""

    def __init__(self, number, started, stop):
        super().__init__(daemon=True)
        self.name = f"host-{number}"
        self.started, self.stop = started, stop
        self.lock = threading.Lock()
        self.process = None
        self.dead = False
        self.exit_codes = []

    def run(self):
        env = stack_env(HOLDFAST_LOG_LEVEL="info", HOLDFAST_EGRESS_ID=self.name,
                        HOLDFAST_SYNC_LEASE_SECONDS=str(LEASE_SECONDS),
                        HOLDFAST_EXCHANGE_DEADLINE_SECONDS=str(DEADLINE_SECONDS))
        command = [*(NAMESPACE if NAMESPACED else []), str(BIN / "holdfast-sync"), "--concurrency", str(CONCURRENCY)]
        while not self.stop.is_set():
            with self.lock:
                if self.dead:
                    return
                self.process = self.started.spawn(f"timer-{self.name}", command, env, f"timer-{self.name}.log")
            self.exit_codes.append(self.process.wait())
            self.stop.wait(0.5)

    def timer_pid(self):
        """The running holdfast-sync's pid as this test sees it (inside unshare when namespaced), or None."""
        with self.lock:
            process = self.process
            if process is None or process.poll() is not None:
                return None
            if not NAMESPACED:
                return process.pid
            try:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            except OSError:
                return None
            return int(children[0]) if children else None

    def freeze(self):
        """Ends the host for good and freezes its running timer; answers the timer's identity (`identity`)."""
        with self.lock:
            self.dead = True
        pid = self.timer_pid()
        assert pid, "the victim's timer is running"
        os.kill(pid, signal.SIGSTOP)
        self.frozen = pid
        return identity(pid)

    def kill(self):
        os.kill(self.frozen, signal.SIGKILL)
        self.process.wait(timeout=10)


def identity(pid):
    """What a lease holder id says of process `pid`: its pid as it sees itself (innermost namespace), its pid
    namespace's inode, and its start time (clock ticks since boot, field 22 of /proc/PID/stat)."""
    status = Path(f"/proc/{pid}/status").read_text()
    inner = next(line for line in status.splitlines() if line.startswith("NSpid:")).split()[-1]
    namespace = os.readlink(f"/proc/{pid}/ns/pid").removeprefix("pid:[").removesuffix("]")
    stat = Path(f"/proc/{pid}/stat").read_text()
    start = stat[stat.rindex(")") + 1:].split()[19]
    return inner, namespace, start


def held_by(holder, who):
    """Whether lease holder id `holder` names the process of identity `who`. Holders are `space:pid:start:random`
    (the space is boot id and pid namespace) or, before they named a space, `pid:start:random`."""
    inner, namespace, start = who
    parts = holder.split(":")
    if len(parts) == 4:
        return parts[0].endswith(f"-{namespace}") and parts[1:3] == [inner, start]
    return len(parts) == 3 and parts[:2] == [inner, start]


def leases(db):
    return db.execute("SELECT connection_id, holder, expires_at FROM sync_leases").fetchall()


def synced_count(db, ids):
    return db.execute("SELECT count(DISTINCT connection_id) FROM sync_runs WHERE outcome = 'success' AND "
                      f"connection_id IN ({','.join('?' * len(ids))})", sorted(ids)).fetchone()[0]


def responder_requests(log):
    """Requests a responder answered, from its log: at debug level it logs one line per request, ending in
    "[App] request" and carrying the path."""
    path = STATE / "logs" / log
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text(errors="replace").splitlines()
               if line.endswith("] request") and " path=" in line)


def add_second_responder(started):
    """A second holdfast-fcgi on its own socket, added to nginx's one upstream beside the stack's responder."""
    env = stack_env()
    first, second = env["HOLDFAST_SOCKET"], str(STATE / "run" / "fcgi2.sock")
    responder = started.spawn("fcgi2", [str(BIN / "holdfast-fcgi")], stack_env(HOLDFAST_SOCKET=second), "fcgi2.log")
    wait_until(lambda: os.path.exists(second) or responder.poll() is not None, timeout=30,
               message="the second responder's socket")
    assert responder.poll() is None, (STATE / "logs" / "fcgi2.log").read_text()[-2000:]
    upstream = STATE / "nginx" / "conf" / "holdfast-http.conf"
    text = upstream.read_text()
    line = f"server unix:{first};"
    assert line in text, "the rendered upstream names the stack's responder"
    upstream.write_text(text.replace(line, f"{line}\n    server unix:{second};", 1))
    subprocess.run(["nginx", "-c", str(STATE / "nginx" / "conf" / "local" / "nginx.conf"), "-s", "reload"],
                   check=True, timeout=30)
    # nginx's new workers take over: requests through it reach the second responder too (round robin).
    probe = Client()
    wait_until(lambda: probe.get("/health").status == 200 and responder_requests("fcgi2.log") > 0, timeout=30,
               interval=0.2, message="a request through nginx answered by the second responder")
    return first, second


def seed(email, started):
    """The sandbox accounts and their connections: CONNECTIONS seeded ones plus one probe per exchange. Answers
    {connection id: account} for each and the probe ids."""
    accounts = [new_account(EXCHANGES[i % len(EXCHANGES)]) for i in range(CONNECTIONS + len(EXCHANGES))]
    fixture = STATE / "multihost-accounts.json"
    fixture.write_text(json.dumps({"accounts": accounts}))
    seeded = subprocess.run([str(BIN / "holdfast-bench"), "seed-connections", "--count", str(len(accounts)),
                             "--user", email, "--fixture", str(fixture)], capture_output=True, text=True,
                            env=stack_env(), timeout=300)
    assert f"seeded {len(accounts)} connections" in seeded.stdout, seeded.stderr
    # seed-connections labels connection i "bench i" and gives it account i.
    with database.connect() as db:
        rows = db.execute("""SELECT c.id, c.label FROM exchange_connections c JOIN users u ON u.id = c.user_id
                             WHERE u.email = ?""", (email,)).fetchall()
    by_id = {cid: accounts[int(label.split()[-1])] for cid, label in rows}
    assert len(by_id) == len(accounts)
    probes = {}
    for cid, account in by_id.items():
        probes.setdefault(account["exchange"], cid)
    return by_id, probes


def utc_now():
    """Now as `Timestamp.format` writes it (milliseconds, UTC), so it compares with stored times as text."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


def key_counts():
    counts = {}
    for exchange in EXCHANGES:
        counts.update(admin(exchange, "GET", "/__sandbox/stats")["keys"])
    return counts


def holdings_of(client, cid):
    r = client.fresh().get(f"{API}/connections/{cid}/holdings")
    assert r.status == 200, r
    return {h["asset"]: Decimal(h["amount"]) for h in r.json()["holdings"]}


def test_three_timers_and_two_responders_on_one_postgresql(started):
    assert database.is_postgresql(), "scripts/multi-host-test.sh runs this on PostgreSQL"
    first_socket, second_socket = add_second_responder(started)

    email = f"multihost-{time.time_ns()}@example.com"
    cli("user", "add", email, stdin=PASSWORD + "\n")
    # A session made through one responder answers through the other: sessions live in the shared database.
    status, login = fcgi_request(first_socket, "POST", "/api/v1/auth/login",
                                 f'{{"email": "{email}", "password": "{PASSWORD}"}}'.encode(),
                                 {"Content-Type": "application/json"})
    assert status == 200, login
    status, me = fcgi_request(second_socket, "GET", "/api/v1/auth/me",
                              headers={"Authorization": "Bearer " + login["token"]})
    assert status == 200 and me["user"]["email"] == email, (status, me)
    reader = Client()
    reader.token, reader.csrf = login["token"], login["csrfToken"]

    by_id, probes = seed(email, started)
    ids = set(by_id) - set(probes.values())
    assert len(ids) == CONNECTIONS

    # What one sync asks of each exchange, per key: a probe connection synced alone, by name.
    per_sync, per_connection_holdings = {}, {}
    for exchange, cid in probes.items():
        probe = subprocess.run([str(BIN / "holdfast-sync"), "--connection", cid], capture_output=True, text=True,
                               env=stack_env(HOLDFAST_LOG_LEVEL="info"), timeout=60)
        assert probe.returncode == 0 and "outcome=success" in probe.stderr, probe.stderr[-2000:]
        per_sync[exchange] = key_counts()[by_id[cid]["apiKey"]]
        per_connection_holdings[exchange] = holdings_of(reader, cid)
        assert per_connection_holdings[exchange], f"the {exchange} demo account holds something"
    for exchange in EXCHANGES:
        admin(exchange, "POST", "/__sandbox/fixture", {"exchangeFaults": {"latencyMs": LATENCY_MS}})
        admin(exchange, "POST", "/__sandbox/stats/reset")

    answered_before = [responder_requests(log) for log in ("fcgi.log", "fcgi2.log")]
    stop = threading.Event()
    hosts = [TimerHost(n, started, stop) for n in range(1, TIMERS + 1)]
    began = time.monotonic()
    for host in hosts:
        host.start()
    try:
        # Mid-run: the victim holds claims while most connections are still due.
        victim = hosts[0]

        def victim_holds_claims():
            with database.connect() as db:
                if synced_count(db, ids) < KILL_AFTER_SYNCED:
                    return False
                pid = victim.timer_pid()
                if not pid:
                    return False
                try:
                    who = identity(pid)
                except (OSError, StopIteration):
                    return False  # it ended just now; the next run will hold claims
                return any(held_by(holder, who) for _, holder, _ in leases(db))
        wait_until(victim_holds_claims, timeout=RUN_TIMEOUT, interval=0.1, message="the victim timer holding claims")
        killed_at = utc_now()
        who = victim.freeze()
        with database.connect() as db:
            victim_leases = [(cid, holder, expires) for cid, holder, expires in leases(db) if held_by(holder, who)]
            held = {cid: expires for cid, _, expires in victim_leases}
            # Holders that name their process space: from another space (namespace) they are never judged dead.
            expiry_only = NAMESPACED and all(len(holder.split(":")) == 4 for _, holder, _ in victim_leases)
            synced_at_kill = synced_count(db, ids)
        victim.kill()
        assert held and set(held) <= ids, held
        assert synced_at_kill < CONNECTIONS, "the kill came mid-run"

        # The survivors finish everything, the victim's claims included; both responders serve meanwhile.
        deadline = time.monotonic() + RUN_TIMEOUT
        reads = 0
        while True:
            for path in (f"{API}/connections", "/api/v1/portfolios"):
                r = reader.fresh().get(path)
                assert r.status == 200, (path, r)
                reads += 1
            with database.connect() as db:
                done = synced_count(db, ids)
                if done == CONNECTIONS and not leases(db):
                    break
                # A failed sync is due again only after a backoff: say so now rather than at the timeout.
                failed = db.execute("SELECT count(*) FROM sync_runs WHERE outcome = 'failure'").fetchone()[0]
            assert not failed, f"{failed} syncs failed (see {STATE / 'logs'}/timer-*.log)"
            assert time.monotonic() < deadline, f"not finished within {RUN_TIMEOUT} s after the kill: {done} synced"
            time.sleep(1)
    finally:
        stop.set()
        for host in hosts:
            host.join(timeout=60)
    wall = time.monotonic() - began
    for host in hosts[1:]:
        assert not host.is_alive() and host.exit_codes and set(host.exit_codes) == {0}, (host.name, host.exit_codes)

    with database.connect() as db:
        runs = db.execute("SELECT connection_id, outcome, started_at, finished_at FROM sync_runs").fetchall()
        left = db.execute("""SELECT count(*) FROM exchange_connections WHERE next_attempt_at IS NULL
                             OR next_attempt_at <= ?""", (utc_now(),)).fetchone()[0]
        holding_rows = dict(db.execute("""SELECT p.exchange_connection_id, count(*) FROM holdings h
                                          JOIN portfolios p ON p.id = h.portfolio_id
                                          GROUP BY p.exchange_connection_id""").fetchall())
        remaining_leases = leases(db)
    outcomes, started, finished = {}, {}, {}
    for cid, outcome, started_at, finished_at in runs:
        outcomes.setdefault(cid, []).append(outcome)
        started[cid], finished[cid] = started_at, finished_at
    twice = [cid for cid in ids if len(outcomes.get(cid, [])) > 1]
    assert not twice, f"{len(twice)} connections synced more than once"
    assert all(outcomes.get(cid) == ["success"] for cid in ids), "every seeded connection: one successful sync"
    assert all(holding_rows.get(cid, 0) > 0 for cid in ids), "holdings for every connection"
    assert not remaining_leases and left == 0, (remaining_leases, left)
    if expiry_only:
        # The killed timer's claims were synced again only once they had expired, never taken over before: a sync
        # that claimed at or after the expiry finished after it. (`started_at` is taken before the claim's
        # transaction, which may queue for seconds on a busy machine, so it proves nothing here. A sync the victim
        # started before the kill may still have been applied: its commit was on its way as it froze.)
        early = [cid for cid in held if started[cid] >= killed_at and finished[cid] < held[cid]]
        assert not early, f"{len(early)} of the killed timer's claims taken before they expired"

    # The exchanges saw exactly one balance read per key; a key the victim held may have been fetched twice (once
    # by the victim, whose result was never applied, and once by the survivor that finished it), never more.
    counts = key_counts()
    for cid in ids:
        account = by_id[cid]
        expected, n = per_sync[account["exchange"]], counts.get(account["apiKey"], 0)
        if cid in held:
            assert expected <= n <= 2 * expected, (cid, n, expected)
        else:
            assert n == expected, (cid, n, expected)
    assert set(counts) <= {by_id[cid]["apiKey"] for cid in ids}, "no key outside the seeded ones was fetched"

    # Final totals through nginx: each connection holds its demo account's coins, exactly.
    exchange_counts = {exchange: sum(1 for cid in by_id if by_id[cid]["exchange"] == exchange) for exchange in EXCHANGES}
    expected_totals = {}
    for exchange, amounts in per_connection_holdings.items():
        for asset, amount in amounts.items():
            expected_totals[asset] = expected_totals.get(asset, Decimal(0)) + amount * exchange_counts[exchange]
    r = reader.fresh().get("/api/v1/portfolios")
    assert r.status == 200, r
    totals = {t["asset"]: Decimal(t["amount"]) for t in r.json()["totals"]}
    assert totals == expected_totals

    # Both responders answered reads through nginx during the run (its upstream alternates between them).
    answered = [responder_requests(log) - before for log, before in zip(("fcgi.log", "fcgi2.log"), answered_before)]
    assert all(n > 0 for n in answered), answered
    summaries = sum((STATE / "logs" / f"timer-{h.name}.log").read_text().count("sync run finished") for h in hosts)
    returned = "expiry" if expiry_only else "takeover"
    print(f"\nmulti-host: {CONNECTIONS} connections in {wall:.1f} s; killed {hosts[0].name} holding {len(held)} claims "
          f"at {synced_at_kill} synced (returned by {returned}); {reads} reads through nginx, answered {answered}; "
          f"{summaries} timer runs; pid namespaces {'on' if NAMESPACED else 'off'}")
