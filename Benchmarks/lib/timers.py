"""Runs TIMERS `holdfast-sync` processes started together on the database HOLDFAST_DATABASE names and prints
what they cost: wall time (first start to last exit), CPU (user + sys of every timer, from wait4) and CPU per
synced connection, peak RSS per timer, each run's summary line, and what the database says afterwards (how
many connections were synced, and how many were synced more than once). On PostgreSQL (--postgres-dir) also
the server's own CPU over the run and the serialization failures it logged (each is a write transaction a
timer ran again). Writes the figures as JSON to --json for the caller's comparison.

Usage: python3 timers.py BINARY LOG_PREFIX --timers N --concurrency C [--egress-ids | --egress-id NAME]
                         [--postgres-dir DIR]
                         [--json OUT] [--title TEXT]
"""
import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

SUMMARY_KEYS = ["due", "succeeded", "failed", "deferred", "skipped_in_progress", "skipped_not_due", "not_started"]
TICKS = os.sysconf("SC_CLK_TCK")


def summary(log):
    """The fields of the last "sync run finished" line in `log` (empty when the run wrote none)."""
    lines = [line for line in open(log, errors="replace") if "sync run finished" in line]
    if not lines:
        return {}
    return {key: int(m.group(1)) for key in SUMMARY_KEYS if (m := re.search(rf"\b{key}=(\d+)", lines[-1]))}


def postgres_cpu_seconds(directory):
    """CPU seconds of the PostgreSQL server so far: the postmaster, the backends it has reaped (its cutime and
    cstime) and those still running. Backends exit with their timer's connections, so a delta over a run
    counts every backend that served it."""
    postmaster = int(open(f"{directory}/data/postmaster.pid").readline())

    def fields(pid):
        stat = open(f"/proc/{pid}/stat").read()
        return stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state is field 3, ppid 4, …

    own = fields(postmaster)
    ticks = sum(int(own[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            f = fields(pid)
        except (OSError, ValueError):
            continue
        if int(f[1]) == postmaster:
            ticks += int(f[11]) + int(f[12])
    return ticks / TICKS


def log_size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def serialization_failures(path, offset):
    """Serialization failures and deadlocks the server logged after `offset` (its log's size before the run):
    their number and a breakdown by cause and statement ("concurrent update: UPDATE exchange_connections…",
    "read/write dependencies: COMMIT")."""
    if not os.path.exists(path):
        return 0, {}
    with open(path, errors="replace") as log:
        log.seek(offset)
        lines = log.read().splitlines()
    causes = {}
    for i, line in enumerate(lines):
        if "could not serialize access due to" not in line and "deadlock detected" not in line:
            continue
        cause = line.split("ERROR:", 1)[-1].strip().replace("could not serialize access due to ", "")
        cause = cause.replace(" among transactions", "")
        # The lines after it from the same backend ("[pid]") name the statement that failed (COMMIT for a
        # conflict found at commit).
        pid = line.split("]", 1)[0]
        for follow in lines[i + 1:i + 5]:
            if follow.startswith(pid) and "STATEMENT:" in follow:
                cause += ": " + " ".join(follow.split("STATEMENT:", 1)[1].split())[:50]
                break
        causes[cause] = causes.get(cause, 0) + 1
    return sum(causes.values()), causes


def database_counts(setting):
    """(connections synced at least once, successful sync rows, connections with more than one success row)."""
    queries = [
        "SELECT count(*) FROM exchange_connections WHERE last_sync_at IS NOT NULL",
        "SELECT count(*) FROM sync_runs WHERE outcome = 'success'",
        "SELECT count(*) FROM (SELECT connection_id FROM sync_runs WHERE outcome = 'success'"
        " GROUP BY connection_id HAVING count(*) > 1) twice",
    ]
    if setting.startswith(("postgres://", "postgresql://")):
        return tuple(int(subprocess.run(["psql", setting, "-Atqc", q], check=True, capture_output=True,
                                        text=True).stdout.strip()) for q in queries)
    db = sqlite3.connect(setting)
    try:
        return tuple(db.execute(q).fetchone()[0] for q in queries)
    finally:
        db.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("log_prefix")
    parser.add_argument("--timers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--egress-ids", action="store_true", help="give timer N HOLDFAST_EGRESS_ID=bench-host-N")
    parser.add_argument("--egress-id", help="give every timer this HOLDFAST_EGRESS_ID (hosts behind one address)")
    parser.add_argument("--postgres-dir")
    parser.add_argument("--json")
    parser.add_argument("--title", default="")
    args = parser.parse_args()

    server_log = f"{args.postgres_dir}/server.log" if args.postgres_dir else None
    log_offset = log_size(server_log) if server_log else 0
    server_cpu_before = postgres_cpu_seconds(args.postgres_dir) if args.postgres_dir else 0.0

    started = time.monotonic()
    timers = []
    for n in range(args.timers):
        env = dict(os.environ)
        if args.egress_ids:
            env["HOLDFAST_EGRESS_ID"] = f"bench-host-{n + 1}"
        elif args.egress_id:
            env["HOLDFAST_EGRESS_ID"] = args.egress_id
        log = f"{args.log_prefix}-{n + 1}.log"
        with open(log, "w") as out:
            process = subprocess.Popen([args.binary, "--concurrency", str(args.concurrency)],
                                       stdout=out, stderr=out, env=env)
        timers.append({"process": process, "log": log})
    for timer in timers:
        # wait4 gives each timer's own rusage (RUSAGE_CHILDREN would sum them and keep only the largest RSS).
        _, status, usage = os.wait4(timer["process"].pid, 0)
        timer["process"].returncode = os.waitstatus_to_exitcode(status)
        timer.update(exit=timer["process"].returncode, wall=time.monotonic() - started,
                     cpu=usage.ru_utime + usage.ru_stime, user=usage.ru_utime, sys=usage.ru_stime,
                     rss_mib=usage.ru_maxrss / 1024, summary=summary(timer["log"]))
    wall = time.monotonic() - started
    if args.postgres_dir:
        time.sleep(1)  # the timers' backends exit after them; once the postmaster has reaped them they count
    server_cpu = postgres_cpu_seconds(args.postgres_dir) - server_cpu_before if args.postgres_dir else None
    retries, causes = serialization_failures(server_log, log_offset) if server_log else (None, {})

    totals = {key: sum(t["summary"].get(key, 0) for t in timers) for key in SUMMARY_KEYS}
    cpu = sum(t["cpu"] for t in timers)
    synced, success_rows, twice = database_counts(os.environ["HOLDFAST_DATABASE"])
    print(args.title)
    for n, t in enumerate(timers, 1):
        fields = " ".join(f"{k}={t['summary'].get(k, '?')}" for k in SUMMARY_KEYS)
        print(f"  timer {n}      : exit {t['exit']}, {t['wall']:.2f} s, CPU {t['cpu']:.2f} s (user {t['user']:.2f} + "
              f"sys {t['sys']:.2f}), peak RSS {t['rss_mib']:.1f} MiB; {fields}")
    print(f"  wall time    : {wall:.2f} s")
    per_sync = f"{cpu / totals['succeeded'] * 1000:.2f} ms" if totals["succeeded"] else "n/a"
    print(f"  timers' CPU  : {cpu:.2f} s, {per_sync} per synced connection")
    if server_cpu is not None:
        print(f"  server CPU   : {server_cpu:.2f} s (PostgreSQL, all backends); serialization failures "
              f"logged: {retries} (each a write transaction run again)")
        for cause, n in sorted(causes.items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {n:6d}  {cause}")
    print(f"  summaries    : " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    print(f"  database     : {synced} connections synced, {success_rows} success rows, {twice} connections "
          f"synced more than once")
    if args.json:
        json.dump({"wall": wall, "cpu": cpu, "server_cpu": server_cpu, "retries": retries, "causes": causes, "totals": totals,
                   "synced": synced, "twice": twice,
                   "timers": [{k: t[k] for k in ("exit", "wall", "cpu", "rss_mib", "summary")} for t in timers]},
                  open(args.json, "w"))
    return 0 if all(t["exit"] == 0 for t in timers) else 1


if __name__ == "__main__":
    sys.exit(main())
