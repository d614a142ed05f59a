"""Commitments through the service layer (`execution.actions.commitments.do_commit`: check-and-set on the line, commitment,
journal entry and audit event, one transaction each) against pgbench TPC-B in the same run.

    .venv/bin/python -m bench.execution_commit --pg postgresql://postgres@127.0.0.1:55432/lofin --seconds 20
    make bench   (runs this among the others)

PostgreSQL: 16 concurrent workers over the lines of all 243 governments, run as an application server runs on this
2-core machine (2 processes × 8 threads, each thread with its own connection), and for comparison as 16 processes;
SQLite: one process. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import django

from bench.run import pg_bin, psql, with_db

ROOT = Path(__file__).resolve().parent.parent
LINES_PER_GOVERNMENT = 8
# 재무관 accounts for the workers: in production concurrent commitments come from different officials.
USERS = 16
# The running fiscal year: commitments are refused on the lines of a year that has ended.
YEAR = time.localtime().tm_year


def env_for(url: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lofin.settings",
            "LOFIN_DATABASE_URL": url,
            "LOFIN_DEMO": "1",
            "LOFIN_LOG_LEVEL": "ERROR",
            "LOFIN_TASKS_IMMEDIATE": "0",
            "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT),
        }
    )
    return env


def setup_django(url: str) -> None:
    os.environ.update(env_for(url))
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    django.setup()


def prepare(url: str) -> None:
    """Lines in every government with a large allocation, and one 재무관 who may commit in all of them."""
    setup_django(url)
    # Django is set up for the database under test first (setup_django): only then its models.
    from django.db import transaction

    from lofin.budget.models import Account, Project
    from lofin.core.models import LocalGovernment, Membership, User
    from lofin.core.roles import AccountType, Role
    from lofin.execution.models import BudgetLine

    objects = ["201-01", "201-02", "202-01", "206-01", "307-02", "307-04", "401-01", "405-01"]
    with transaction.atomic():
        governments = list(LocalGovernment.objects.all())
        for name in ["bench.finance"] + [f"bench.finance.{i}" for i in range(USERS)]:
            user, _ = User.objects.get_or_create(
                username=name, defaults={"account_type": AccountType.OFFICIAL, "display_name": "벤치 재무관"}
            )
            Membership.objects.bulk_create(
                [Membership(user=user, government=g, role=Role.FINANCE_OFFICER) for g in governments],
                ignore_conflicts=True,
            )
        for g in governments:
            account, _ = Account.objects.get_or_create(
                government=g, code="100", defaults={"name": "일반회계", "kind": "general"}
            )
            policy, _ = Project.objects.get_or_create(
                government=g,
                year=YEAR,
                code="P1",
                defaults={"level": "policy", "name": "벤치 정책", "account": account, "function_code": "016"},
            )
            unit, _ = Project.objects.get_or_create(
                government=g,
                year=YEAR,
                code="U1",
                defaults={
                    "level": "unit",
                    "name": "벤치 단위",
                    "account": account,
                    "parent": policy,
                    "function_code": "016",
                },
            )
            detail, _ = Project.objects.get_or_create(
                government=g,
                year=YEAR,
                code="D1",
                defaults={
                    "level": "detail",
                    "name": "벤치 세부",
                    "account": account,
                    "parent": unit,
                    "function_code": "016",
                },
            )
            big = 10**14
            BudgetLine.objects.bulk_create(
                [
                    BudgetLine(
                        government=g,
                        year=YEAR,
                        account=account,
                        project=detail,
                        object_code=o,
                        budget_amount=big,
                        appropriation=big,
                        allocated=big,
                    )
                    for o in objects[:LINES_PER_GOVERNMENT]
                ],
                ignore_conflicts=True,
            )


def worker(
    url: str, seconds: float, index: int, threads: int, queue: Any, ready: Any, go: Any, shared_user: bool
) -> None:
    """One process running `threads` clients, each a thread with its own database connection (Django's are
    per thread), the way a gthread application server runs: one process per core, threads within."""
    setup_django(url)

    # Django is set up for the database under test first (setup_django): only then its models.
    from django.db import connection

    from lofin.core.models import User
    from lofin.execution.actions import commitments
    from lofin.execution.models import BudgetLine

    lines = list(BudgetLine.objects.filter(year=YEAR).select_related("government"))
    day = dt.date(YEAR, 6, 15)
    results: list[dict[str, Any]] = []

    def client(seed: int) -> None:
        user = User.objects.get(username="bench.finance" if shared_user else f"bench.finance.{seed % USERS}")
        rng = random.Random(seed)
        latencies: list[float] = []
        refused = 0
        # Warm the connection and the caches, then wait for everyone: Django's start-up is not what is measured.
        commitments.do_commit(
            lines[0],
            amount=1,
            creditor="벤치상사",
            purpose="준비",
            actor=user,
            idempotency_key=f"{seed}-{shared_user}-{threads}-warm",
            committed_on=day,
        )
        ready.release()
        go.wait()
        deadline = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < deadline:
            line = rng.choice(lines)
            n += 1
            started = time.perf_counter()
            try:
                commitments.do_commit(
                    line,
                    amount=rng.randint(1_000, 9_000_000),
                    creditor="벤치상사",
                    purpose="성능 측정",
                    actor=user,
                    idempotency_key=f"{seed}-{shared_user}-{threads}-{n}",
                    committed_on=day,
                )
            except Exception:  # a refusal counts, it must not stop the measurement
                refused += 1
                continue
            latencies.append(time.perf_counter() - started)
        connection.close()
        results.append({"latencies": latencies, "refused": refused})

    pool = [threading.Thread(target=client, args=(index * threads + t,)) for t in range(threads)]
    for t in pool:
        t.start()
    go.wait()
    cpu_started = time.process_time()
    for t in pool:
        t.join()
    queue.put(
        {
            "latencies": [x for r in results for x in r["latencies"]],
            "refused": sum(r["refused"] for r in results),
            "cpu_s": time.process_time() - cpu_started,
        }
    )


def run_workers(
    url: str, workers: int, seconds: float, shared_user: bool = False, threads_per_process: int = 1
) -> dict[str, Any]:
    """`workers` concurrent clients, as `workers / threads_per_process` processes of that many threads."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ready, go = ctx.Semaphore(0), ctx.Event()
    processes = workers // threads_per_process
    pool = [
        ctx.Process(target=worker, args=(url, seconds, i, threads_per_process, queue, ready, go, shared_user))
        for i in range(processes)
    ]
    for p in pool:
        p.start()
    for _ in range(processes * threads_per_process):
        ready.acquire()
    db_cpu_started = db_cpu_seconds(url)
    started = time.perf_counter()
    go.set()
    results = [queue.get() for _ in pool]
    for p in pool:
        p.join()
    elapsed = time.perf_counter() - started
    db_cpu = db_cpu_seconds(url) - db_cpu_started if db_cpu_started is not None else None
    latencies = sorted(x for r in results for x in r["latencies"])
    window = seconds
    return {
        "commits": len(latencies),
        "refused": sum(r["refused"] for r in results),
        "tps": round(len(latencies) / window),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "wall_s": round(elapsed, 1),
        "client_cpu_ms": round(sum(r["cpu_s"] for r in results) / max(len(latencies), 1) * 1000, 3),
        "db_cpu_ms": round(db_cpu / max(len(latencies), 1) * 1000, 3) if db_cpu is not None else None,
    }


def db_cpu_seconds(url: str) -> float | None:
    """CPU seconds used so far by a local PostgreSQL server (the postmaster, its live backends and the backends it
    has reaped), from /proc; None for SQLite or a server this script cannot see."""
    if not url.startswith("postgresql"):
        return None
    try:
        directory = subprocess.run(
            [pg_bin("psql"), url, "-Atc", "SHOW data_directory"], check=True, capture_output=True, text=True
        ).stdout.strip()
        postmaster = int(Path(directory, "postmaster.pid").read_text().split()[0])
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            pid, ppid = int(entry.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(x) for x in fields[11:15])  # its own and its reaped children's user+system time
            elif ppid == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / tick
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None


def pgbench(url: str, clients: int, seconds: int) -> dict[str, Any]:

    psql(url, "DROP DATABASE IF EXISTS pgbench")
    psql(url, "CREATE DATABASE pgbench")
    target = with_db(url, "pgbench")
    subprocess.run([pg_bin("pgbench"), "-i", "-s", "10", "-q", target], check=True, capture_output=True)
    return run_pgbench(
        [pg_bin("pgbench"), "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds), target]
    )


def run_pgbench(command: list[str]) -> dict[str, Any]:
    """Run pgbench; its tps and the CPU per transaction of its client and of the database server."""

    url = command[-1]
    db_started = db_cpu_seconds(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    db = db_cpu_seconds(url) - db_started if db_started is not None else None
    transactions = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))  # type: ignore[union-attr]
    client = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "tps": round(float(re.search(r"tps = ([\d.]+)", out).group(1))),  # type: ignore[union-attr]
        "client_cpu_ms": round(client / transactions * 1000, 3),
        "db_cpu_ms": round(db / transactions * 1000, 3) if db is not None else None,
    }


def statement_script(url: str) -> str:
    """The commitment statement of execution.actions.commitments as a pgbench script, to measure the database's side alone:
    the same CTE (line check-and-set, commitment, journal entry and lines, audit head and event with the HMAC),
    parameters bound by pgbench (a random line, one audit chain per client, a bench 재무관)."""
    setup_django(url)
    # Django is set up for the database under test first (setup_django): only then its models.
    from lofin.execution.actions import commitments

    user_id = subprocess.run(
        [pg_bin_path("psql"), url, "-Atc", "SELECT id FROM core_user WHERE username = 'bench.finance.0'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    values = {
        "amount": ":amount",
        "line_id": ":lid",
        "office_id": "NULL",
        "creditor": "'벤치상사'",
        "creditor_number": "''",
        "purpose": "'성능 측정'",
        "kind": "'normal'",
        "on": f"'{YEAR}-06-15'::date",
        "actor_id": user_id,
        "now": "now()",
        "key": "'pgbench-' || :client_id || '-' || random()::text",
        "chain": "('pgbench-' || :client_id)",
        "sep": "'|'",
        "before_object": "'pgbench'",
        "data": "'{}'",
        "hmac_key": "'pgbench'",
        "government_id": "(SELECT government_id FROM execution_budgetline WHERE id = :lid)",
        "actor_label": "'bench.finance.0'",
    }
    sql = commitments.SQL
    for name, value in values.items():
        sql = sql.replace(f"%({name})s", value)
    body = " ".join(line.split("--")[0] for line in sql.splitlines()).strip()
    return f"\\set lid random(1, :lines)\n\\set amount random(1000, 9000000)\n{body};\n"


def pg_bin_path(name: str) -> str:

    return pg_bin(name)


def statement_via_pgbench(url: str, clients: int, seconds: int) -> dict[str, Any]:

    psql(
        url,
        "INSERT INTO core_auditchain (key, last_seq, last_hash) "
        f"SELECT 'pgbench-' || g, 0, '' FROM generate_series(0, {clients - 1}) g ON CONFLICT DO NOTHING",
    )
    lines = subprocess.run(
        [pg_bin_path("psql"), url, "-Atc", "SELECT max(id) FROM execution_budgetline"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(statement_script(url))
    try:
        command = [pg_bin_path("pgbench"), "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds)]
        return run_pgbench([*command, "-D", f"lines={lines}", "-f", f.name, url])
    finally:
        os.unlink(f.name)


def migrate(url: str) -> None:
    subprocess.run([sys.executable, "-m", "lofin.cli", "migrate", "-v0"], env=env_for(url), check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=os.environ.get("LOFIN_BENCH_PG_URL", ""))
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", "--processes", dest="processes", type=int, default=16)
    args = parser.parse_args()
    rows = []
    if args.pg:
        base = pgbench(args.pg, 16, args.seconds)
        rows.append(
            (
                "pgbench TPC-B scale 10, 16 clients",
                f"{base['tps']:,} tps; CPU per transaction: client {base['client_cpu_ms']} ms, "
                f"database {base['db_cpu_ms']} ms",
            )
        )
        psql(args.pg, "DROP DATABASE IF EXISTS lofin_commit")
        psql(args.pg, "CREATE DATABASE lofin_commit")
        url = with_db(args.pg, "lofin_commit")
        migrate(url)
        subprocess.run(
            [sys.executable, "-c", f"import bench.execution_commit as b; b.prepare({url!r})"],
            env=env_for(url),
            check=True,
            cwd=ROOT,
        )
        threads = max(1, args.processes // 2)
        runs = (
            (threads, False, f"{args.processes} workers = 2 processes × {threads} threads, {USERS} officials"),
            (1, False, f"{args.processes} workers = {args.processes} processes, {USERS} officials"),
            (threads, True, f"{args.processes} workers = 2 processes × {threads} threads, one shared account"),
        )
        for per_process, shared, who in runs:
            pg = run_workers(url, args.processes, args.seconds, shared_user=shared, threads_per_process=per_process)
            ratio = pg["tps"] / base["tps"]
            rows.append(
                (
                    f"commitment + journal + audit via do_commit, {who}, PostgreSQL",
                    f"{pg['tps']:,} tps ({ratio:.0%} of pgbench), p50 {pg['p50_ms']} ms, p99 {pg['p99_ms']} ms, "
                    f"{pg['commits']:,} commits; CPU per commitment: clients {pg['client_cpu_ms']} ms, "
                    f"database {pg['db_cpu_ms']} ms",
                )
            )
        db_side = statement_via_pgbench(url, args.processes, args.seconds)
        rows.append(
            (
                f"the same statement driven by pgbench's C client, {args.processes} clients (the database's side alone)",
                f"{db_side['tps']:,} tps ({db_side['tps'] / base['tps']:.0%} of pgbench); CPU per commitment: "
                f"client {db_side['client_cpu_ms']} ms, database {db_side['db_cpu_ms']} ms",
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/commit.sqlite3"
        migrate(url)
        subprocess.run(
            [sys.executable, "-c", f"import bench.execution_commit as b; b.prepare({url!r})"],
            env=env_for(url),
            check=True,
            cwd=ROOT,
        )
        lite = run_workers(url, 1, min(args.seconds, 10))
        rows.append(
            (
                "commitment + journal + audit via do_commit, 1 process, SQLite",
                f"{lite['tps']:,} commitments/s (target ≥ 800), p50 {lite['p50_ms']} ms, p99 {lite['p99_ms']} ms",
            )
        )
    print("| benchmark | result |\n|---|---|")
    for name, result in rows:
        print(f"| {name} | {result} |")
    print(json.dumps({"rows": rows}), file=sys.stderr)


if __name__ == "__main__":
    main()
