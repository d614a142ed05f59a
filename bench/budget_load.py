"""Loading the `large` demo budgets (issue 3) into a fresh SQLite file and a fresh PostgreSQL database.

    url=$(LOFIN_PG_PORT=55450 scripts/pg.sh start)
    .venv/bin/python -m bench.budget_load --pg $url          (or LOFIN_BENCH_PG_URL=$url)

For each database a child process runs `lofin migrate`, another `lofin demo load --size large` (people, approvals,
budgets), a third counts the rows. The target of the issue: the budgets (≥ 1,000,000 expenditure lines with
산출근거) load in under 5 minutes on both databases. Prints a Markdown table and writes bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, django_env, psql, with_db

BENCH_DATABASE = "lofin_budget_bench"
COUNTED = ("Account", "Project", "BudgetVersion", "ExpenditureLine", "CalcBasis", "RevenueLine")


def run_timed(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return time.perf_counter() - start, result.stdout


def loader_seconds(output: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)}: loaded in ([\d.]+) s", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"{name} did not run:\n{output}")
    return float(found.group(1))


def measure(label: str, env: dict[str, str], size: str) -> dict[str, Any]:
    migrate, _ = run_timed(["lofin.cli", "migrate", "-v0"], env)
    load, output = run_timed(["lofin.cli", "demo", "load", "--size", size, "--no-progress"], env)
    _, counted = run_timed(["bench.budget_load", "--count"], env)
    counts = json.loads(counted.strip().splitlines()[-1])
    budgets = loader_seconds(output, "budget.budgets")
    rows = sum(counts.values())
    return {
        "database": label,
        "rows": rows,
        "expenditure_lines": counts["ExpenditureLine"],
        "calc_basis": counts["CalcBasis"],
        "budgets_seconds": round(budgets, 1),
        "rows_per_second": round(rows / budgets),
        "people_seconds": loader_seconds(output, "core.people"),
        "total_seconds": round(migrate + load, 1),
    }


def count_rows() -> None:
    """Child mode: print the row counts of the budget tables as JSON."""
    import django

    django.setup()
    from lofin.budget import models

    print(json.dumps({name: getattr(models, name).objects.count() for name in COUNTED}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("LOFIN_BENCH_PG_URL", ""), help="PostgreSQL server URL")
    parser.add_argument("--size", default="large", choices=("tiny", "small", "large"))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        count_rows()
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="lofin-budget-bench-") as tmp:
        if args.only in (None, "sqlite"):
            rows.append(measure("SQLite", django_env(f"sqlite:///{Path(tmp) / 'budgets.sqlite3'}"), args.size))
    if args.only in (None, "postgresql"):
        if not args.pg:
            parser.error("PostgreSQL needs --pg URL or LOFIN_BENCH_PG_URL (scripts/pg.sh start prints one)")
        psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        psql(args.pg, f"CREATE DATABASE {BENCH_DATABASE}")
        try:
            rows.append(measure("PostgreSQL", django_env(with_db(args.pg, BENCH_DATABASE)), args.size))
        finally:
            psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
    report = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cpu {platform.python_version()}",
        "size": args.size,
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"budget-load-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=1))
    print(
        "| database | budget rows loaded | ExpenditureLine | CalcBasis | budgets load (s) | rows/s "
        "| people load (s) | migrate + whole demo load (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['database']} | {r['rows']:,} | {r['expenditure_lines']:,} | {r['calc_basis']:,} "
            f"| {r['budgets_seconds']} | {r['rows_per_second']:,} | {r['people_seconds']} | {r['total_seconds']} |"
        )


if __name__ == "__main__":
    main()
