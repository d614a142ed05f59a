"""Loading the demo execution (issue 4) at the `small` and `large` sizes into fresh SQLite and PostgreSQL databases.

    url=$(LOFIN_PG_PORT=55515 scripts/pg.sh start)
    .venv/bin/python -m bench.execution_load --pg $url            (or LOFIN_BENCH_PG_URL=$url)
    .venv/bin/python -m bench.execution_load --sizes small --only sqlite

For each size and database, child processes run `lofin migrate`, `lofin demo load --size SIZE` (people, approvals,
budgets, execution), `lofin audit verify`, and count the rows the execution loader wrote. Targets: the whole `small`
demo under 2 minutes on SQLite, its execution part about 40 s. Prints a Markdown table and writes bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import django
from django.apps import apps

from bench.budget_load import loader_seconds, run_timed
from bench.run import RESULTS, django_env, psql, with_db

BENCH_DATABASE = "lofin_execution_bench"
COUNTED = {
    "execution": (
        "BudgetLine",
        "Allocation",
        "Commitment",
        "PaymentOrder",
        "Withholding",
        "PaymentConfirmation",
        "Assessment",
        "Receipt",
        "Office",
        "DocumentCounter",
    ),
    "accounting": ("JournalEntry", "JournalLine"),
}


def measure(label: str, env: dict[str, str], size: str) -> dict[str, Any]:
    migrate, _ = run_timed(["lofin.cli", "migrate", "-v0"], env)
    load, output = run_timed(["lofin.cli", "demo", "load", "--size", size, "--no-progress"], env)
    verify, verified = run_timed(["lofin.cli", "audit", "verify"], env)
    _, counted = run_timed(["bench.execution_load", "--count"], env)
    counts = json.loads(counted.strip().splitlines()[-1])
    execution = loader_seconds(output, "execution.execution")
    rows = sum(counts.values())
    return {
        "database": label,
        "size": size,
        "rows": rows,
        "counts": counts,
        "execution_seconds": round(execution, 1),
        "rows_per_second": round(rows / execution),
        "budgets_seconds": loader_seconds(output, "budget.budgets"),
        "people_seconds": loader_seconds(output, "core.people"),
        "demo_seconds": round(load, 1),
        "total_seconds": round(migrate + load, 1),
        "audit_verify_seconds": round(verify, 1),
        "audit": verified.strip().splitlines()[-1],
    }


def count_rows() -> None:
    """Child mode: print the row counts of the tables the execution loader writes, as JSON."""
    django.setup()

    print(
        json.dumps(
            {name: apps.get_model(app, name).objects.count() for app, names in COUNTED.items() for name in names}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("LOFIN_BENCH_PG_URL", ""), help="PostgreSQL server URL")
    parser.add_argument("--sizes", nargs="+", default=["small", "large"], choices=("tiny", "small", "large"))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        count_rows()
        return
    if args.only != "sqlite" and not args.pg:
        parser.error("PostgreSQL needs --pg URL or LOFIN_BENCH_PG_URL (scripts/pg.sh start prints one)")
    results = []
    for size in args.sizes:
        if args.only in (None, "sqlite"):
            with tempfile.TemporaryDirectory(prefix="lofin-execution-bench-") as tmp:
                env = django_env(f"sqlite:///{Path(tmp) / 'execution.sqlite3'}")
                results.append(measure("SQLite", env, size))
        if args.only in (None, "postgresql"):
            psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
            psql(args.pg, f"CREATE DATABASE {BENCH_DATABASE}")
            try:
                results.append(measure("PostgreSQL", django_env(with_db(args.pg, BENCH_DATABASE)), size))
            finally:
                psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        print(json.dumps(results[-1]), flush=True)
    load_average = os.getloadavg()
    report = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cpu {platform.python_version()}",
        "load_average_at_end": [round(x, 1) for x in load_average],
        "sqlite": sqlite3.sqlite_version,
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"execution-load-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=1))
    print(
        "| size | database | rows written | commitments | payment orders | journal lines | execution load (s) "
        "| rows/s | whole demo load (s) | audit verify (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        c = r["counts"]
        print(
            f"| {r['size']} | {r['database']} | {r['rows']:,} | {c['Commitment']:,} | {c['PaymentOrder']:,} "
            f"| {c['JournalLine']:,} | {r['execution_seconds']} | {r['rows_per_second']:,} | {r['demo_seconds']} "
            f"| {r['audit_verify_seconds']} |"
        )


if __name__ == "__main__":
    main()
