"""Trial balance of one government's year with ≥ 2,000,000 journal lines (issue 5), on SQLite and PostgreSQL.

    url=$(LOFIN_PG_PORT=55614 scripts/pg.sh start)
    .venv/bin/python -m bench.accounting_trial_balance --pg $url [--lines 2000000] [--beancount]
    .venv/bin/python -m bench.accounting_trial_balance --only sqlite

For each database a fresh schema (`migrate`), then in bulk (COPY / executemany) a year of payment-like entries
(4 lines each: expense, cash, and the budgetary release) for one government over its four accounts, plus half as
many lines for another government, dated through the year and created in the past. Then, timed: the trial balance
straight from the lines; `refresh_balances` (the monthly sums); 1,000 entries posted through `journal.post` after
the refresh; the trial balance from the sums plus those entries (all, one entity, one quarter); optionally the
beancount export and its check. Target: the trial balance under 1 s. Prints a Markdown table and writes
bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, django_env, psql, with_db

BENCH_DATABASE = "lofin_accounting_bench"
YEAR = 2026
EXPENSES = ("5100", "5200", "5300", "1310")


def _rows(government_id: int, accounts: list[int], first_id: int, entries: int, stamp: str):
    start = dt.date(YEAR, 1, 2)
    for n in range(entries):
        pk = first_id + n
        day = start + dt.timedelta(days=(n * 359) // entries)
        amount = 10_000 + (n * 7919) % 5_000_000
        withheld = amount // 30
        entry = (
            pk,
            government_id,
            accounts[n % len(accounts)],
            YEAR,
            day.isoformat(),
            "execution.payment",
            pk,
            f"bench {n}",
            None,
            stamp,
            None,
        )
        if n % 2:  # with 원천징수
            lines = [(pk, EXPENSES[n % 4], amount, 0), (pk, "1110", 0, amount - withheld), (pk, "2110", 0, withheld)]
        else:
            lines = [(pk, EXPENSES[n % 4], amount, 0), (pk, "1110", 0, amount)]
        lines += [(pk, "9220", amount, 0), (pk, "9210", 0, amount)]
        yield entry, lines


ENTRY_COLUMNS = (
    "id",
    "government_id",
    "account_id",
    "fiscal_year",
    "posted_on",
    "source_type",
    "source_id",
    "description",
    "reverses_id",
    "created_at",
    "created_by_id",
)


def generate(government_id: int, accounts: list[int], lines_wanted: int, first_id: int) -> tuple[int, int]:
    """Insert about `lines_wanted` lines; returns (entries, lines)."""
    from django.db import connection, transaction

    entries = lines_wanted * 2 // 9 + 1  # 4.5 lines per entry on average
    stamp = "2026-01-01T00:00:00+00:00"
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        batch_e: list[tuple[Any, ...]] = []
        batch_l: list[tuple[Any, ...]] = []

        def flush() -> None:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY accounting_journalentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
                    for row in batch_e:
                        copy.write_row(row)
                with raw.copy("COPY accounting_journalline (entry_id, ledger_code, debit, credit) FROM STDIN") as copy:
                    for row in batch_l:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO accounting_journalentry ({', '.join(ENTRY_COLUMNS)}) VALUES ({', '.join(['%s'] * 11)})",
                    batch_e,
                )
                cursor.executemany(
                    "INSERT INTO accounting_journalline (entry_id, ledger_code, debit, credit) VALUES (%s, %s, %s, %s)",
                    batch_l,
                )
            batch_e.clear()
            batch_l.clear()

        for entry, lines in _rows(government_id, accounts, first_id, entries, stamp):
            batch_e.append(entry)
            batch_l.extend(lines)
            written += len(lines)
            if len(batch_l) >= 200_000:
                flush()
        flush()
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('accounting_journalentry', 'id'), "
                "(SELECT MAX(id) FROM accounting_journalentry))"
            )
            cursor.execute("ANALYZE accounting_journalentry")
            cursor.execute("ANALYZE accounting_journalline")
        else:
            cursor.execute("ANALYZE")
    return entries, written


def timed(fn: Any, repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def child(lines_wanted: int, beancount: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from lofin.accounting import beancount_export, journal, queries
    from lofin.budget.models import Account
    from lofin.core.models import LocalGovernment

    govs = list(LocalGovernment.objects.order_by("code")[:2])
    if len(govs) < 2:
        govs = [
            LocalGovernment.objects.create(code=c, name=c, level="광역", kind="특별시") for c in ("1100000", "2600000")
        ]
    accounts = {}
    for gov in govs:
        accounts[gov.pk] = [
            Account.objects.get_or_create(government=gov, code=code, defaults={"name": code, "kind": kind})[0].pk
            for code, kind in (
                ("100", "general"),
                ("200", "other_special"),
                ("300", "fund"),
                ("400", "enterprise_special"),
            )
        ]
    target, other = govs
    started = time.perf_counter()
    entries, lines = generate(target.pk, accounts[target.pk], lines_wanted, 1)
    _e2, other_lines = generate(other.pk, accounts[other.pk], lines_wanted // 2, entries + 1)
    generated = time.perf_counter() - started
    result: dict[str, Any] = {
        "entries": entries,
        "lines": lines,
        "other_lines": other_lines,
        "generate_s": round(generated, 1),
    }
    raw_s, tb = timed(lambda: queries.trial_balance(target, YEAR), repeat=2)
    result["tb_from_lines_s"] = round(raw_s, 3)
    assert tb.total_debit == tb.total_credit
    refresh_s, _mark = timed(lambda: queries.refresh_balances(target.pk, YEAR))
    result["refresh_s"] = round(refresh_s, 2)

    def post_more() -> None:
        with transaction.atomic():
            for n in range(1000):
                journal.post(
                    government_id=target.pk,
                    account_id=accounts[target.pk][0],
                    fiscal_year=YEAR,
                    posted_on=dt.date(YEAR, 11, 20),
                    source_type="bench.tail",
                    source_id=n,
                    description="tail",
                    lines=[("5200", 1000 + n, 0), ("1110", 0, 1000 + n)],
                )

    post_s, _ = timed(post_more)
    result["post_1000_s"] = round(post_s, 2)
    tb_s, tb2 = timed(lambda: queries.trial_balance(target, YEAR), repeat=3)
    result["tb_s"] = round(tb_s, 3)
    assert tb2.total_debit == tb.total_debit + sum(1000 + n for n in range(1000))
    result["tb_entity_s"] = round(timed(lambda: queries.trial_balance(target, YEAR, entity="fund"), repeat=3)[0], 3)
    result["tb_quarter_s"] = round(
        timed(lambda: queries.trial_balance(target, YEAR, month_from=4, month_to=6), repeat=3)[0], 3
    )
    result["tb_rows"] = len(tb2.rows)
    if beancount:
        from beancount import loader

        out = Path(tempfile.mkdtemp()) / "books.beancount"
        export_s, _ = timed(lambda: beancount_export.export(out, target.pk, YEAR))
        check_s, loaded = timed(lambda: loader.load_file(str(out)))
        result.update(
            export_s=round(export_s, 1),
            check_s=round(check_s, 1),
            check_errors=len(loaded[1]),
            file_mb=round(out.stat().st_size / 1e6),
        )
    print(json.dumps(result))


def run_child(env: dict[str, str], lines: int, beancount: bool) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.accounting_trial_balance", "--child", "--lines", str(lines)]
    if beancount:
        args.append("--beancount")
    done = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("LOFIN_BENCH_PG_URL", ""))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--beancount", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.lines, args.beancount)
        return
    results = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="lofin-accounting-bench-") as tmp:
            env = django_env(f"sqlite:///{Path(tmp) / 'books.sqlite3'}")
            results.append({"database": "SQLite", **run_child(env, args.lines, args.beancount)})
            print(json.dumps(results[-1]), flush=True)
    if args.only in (None, "postgresql"):
        if not args.pg:
            parser.error("PostgreSQL needs --pg URL")
        psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        psql(args.pg, f"CREATE DATABASE {BENCH_DATABASE}")
        try:
            env = django_env(with_db(args.pg, BENCH_DATABASE))
            results.append({"database": "PostgreSQL", **run_child(env, args.lines, args.beancount)})
            print(json.dumps(results[-1]), flush=True)
        finally:
            psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
    report = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cpu {platform.python_version()}",
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "sqlite": sqlite3.sqlite_version,
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"accounting-tb-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=1))
    out = io.StringIO()
    out.write(
        "| database | lines (gov) | TB from lines (s) | refresh sums (s) | 1,000 posts (s) | TB (s) | TB entity (s) "
        "| TB quarter (s) | export (s) | bean-check (s) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for r in results:
        out.write(
            f"| {r['database']} | {r['lines']:,} | {r['tb_from_lines_s']} | {r['refresh_s']} | {r['post_1000_s']} "
            f"| {r['tb_s']} | {r['tb_entity_s']} | {r['tb_quarter_s']} | {r.get('export_s', '—')} "
            f"| {r.get('check_s', '—')} |\n"
        )
    print(out.getvalue())


if __name__ == "__main__":
    main()
