"""결산 of one government's year with ≥ 2,000,000 journal lines (issue 5), on PostgreSQL, against the beancount
export and its check of the same books.

    url=$(LOFIN_PG_PORT=55615 scripts/pg.sh start)
    .venv/bin/python -m bench.accounting_close --pg $url [--lines 2000000]

A fresh schema (`migrate`), then with COPY a year of payment-like entries for one government over its four
accounts (the generator of bench/accounting_trial_balance.py) plus half as many for another government. The demo
is not used: its largest government does not reach 2,000,000 lines in a year. Timed: the closing run
(`closing.actions.do_close_books`: monthly sums, statements of the four entities and consolidated, the
세입세출결산, closing entries, the snapshot and the lock), the statements computed again (the digest must be the
same), the XLSX and PDF of the consolidated 재정상태표, and the beancount export with `bean-check`'s loader.
Target: the closing under 2 minutes. Prints a Markdown table and writes bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import RESULTS, ROOT, django_env, psql, with_db

BENCH_DATABASE = "lofin_close_bench"
YEAR = 2026


def child(lines_wanted: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import time_machine

    from bench.accounting_trial_balance import generate, timed
    from lofin.accounting import beancount_export
    from lofin.budget.models import Account
    from lofin.closing import documents, queries, snapshot
    from lofin.closing.testing import close_year
    from lofin.core import testing
    from lofin.core.models import LocalGovernment
    from lofin.core.roles import Position, Role

    govs = [
        LocalGovernment.objects.get_or_create(code=c, defaults={"name": c, "level": "광역", "kind": "특별시"})[0]
        for c in ("1100000", "2600000")
    ]
    accounts = {
        gov.pk: [
            Account.objects.get_or_create(government=gov, code=code, defaults={"name": code, "kind": kind})[0].pk
            for code, kind in (
                ("100", "general"),
                ("200", "other_special"),
                ("300", "fund"),
                ("400", "enterprise_special"),
            )
        ]
        for gov in govs
    }
    target, other = govs
    started = time.perf_counter()
    entries, lines = generate(target.pk, accounts[target.pk], lines_wanted, 1)
    generate(other.pk, accounts[other.pk], lines_wanted // 2, entries + 1)
    result: dict[str, Any] = {"entries": entries, "lines": lines, "generate_s": round(time.perf_counter() - started, 1)}
    actor = testing.official(target, Role.FINANCE_OFFICER, username="bench-jaemu")
    head = testing.official(target, Role.OFFICIAL, username="bench-head", position=Position.HEAD)
    # The closing is drafted and approved once the 출납 of the year is complete (R-AC-5).
    with time_machine.travel(dt.datetime(YEAR + 1, 2, 11, 10, tzinfo=dt.UTC), tick=True):
        close_s, run = timed(lambda: close_year(target, YEAR, drafter=actor, head=head))
    result.update(close_s=round(close_s, 1), closing_entries=run.closing_entries, digest=run.digest[:16])
    again_s, document = timed(lambda: snapshot.compute(target, YEAR))
    assert snapshot.digest(snapshot.canonical(document)) == run.digest, "statements differ after the closing"
    result["recompute_s"] = round(again_s, 1)
    stored = json.loads(run.snapshot)
    result["xlsx_s"] = round(timed(lambda: documents.xlsx_bytes(stored, "consolidated", "position"))[0], 2)
    result["pdf_s"] = round(timed(lambda: documents.pdf_bytes(stored, "consolidated", "position"))[0], 2)
    rerun_s, again = timed(lambda: queries.live_run(target, YEAR))
    assert again is not None and again.digest == run.digest
    result["rerun_s"] = round(rerun_s, 3)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("LOFIN_BENCH_PG_URL", ""))
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.lines)
        return
    if not args.pg:
        parser.error("PostgreSQL needs --pg URL")
    psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
    psql(args.pg, f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        env = django_env(with_db(args.pg, BENCH_DATABASE))
        cmd = [sys.executable, "-m", "bench.accounting_close", "--child", "--lines", str(args.lines)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        psql(args.pg, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
    report = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cpu {platform.python_version()}",
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "result": {"database": "PostgreSQL", **result},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"accounting-close-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(report, indent=1))
    r = result
    print(
        "| database | lines (gov) | closing (s) | closing entries | statements again (s) | re-run (s) | XLSX (s) "
        "| PDF (s) | beancount export (s) | bean-check (s) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| PostgreSQL | {r['lines']:,} | {r['close_s']} | {r['closing_entries']} | {r['recompute_s']} | {r['rerun_s']} "
        f"| {r['xlsx_s']} | {r['pdf_s']} | {r['export_s']} | {r['check_s']} |"
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
