from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lofin.accounting import beancount_export, queries
from lofin.closing import cli as closing_cli
from lofin.core.models import LocalGovernment


class Command(BaseCommand):
    help = (
        "The books: `accounting export-beancount --government CODE --year YEAR --out FILE`, "
        "`accounting trial-balance --government CODE --year YEAR [--json]`, "
        "`accounting refresh-balances --government CODE --year YEAR`, "
        "`accounting close --government CODE --year YEAR` (결산)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export-beancount", help="write the year's books as a beancount file")
        tb = sub.add_parser("trial-balance", help="print the trial balance (시산표)")
        refresh = sub.add_parser("refresh-balances", help="rebuild the monthly sums the trial balance reads")
        for p in (export, tb, refresh):
            p.add_argument("--government", required=True, help="7-digit government code")
            p.add_argument("--year", required=True, type=int)
        export.add_argument("--out", required=True, type=Path)
        closing_cli.add_parser(sub)
        tb.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        government = LocalGovernment.objects.filter(code=options["government"]).first()
        if government is None:
            raise CommandError(f"unknown government code: {options['government']}")
        year = options["year"]
        started = time.perf_counter()
        if options["action"] == "close":
            closing_cli.close(government, options, self.stdout.write)
            return
        if options["action"] == "export-beancount":
            counts = beancount_export.export(options["out"], government.pk, year, title=f"{government.name} {year}")
            took = time.perf_counter() - started
            self.stdout.write(
                f"{options['out']}: {counts['entries']} entries, {counts['lines']} postings, "
                f"{counts['accounts']} accounts ({took:.1f} s)"
            )
            return
        if options["action"] == "refresh-balances":
            mark = queries.refresh_balances(government.pk, year)
            took = time.perf_counter() - started
            self.stdout.write(f"sums through entry {mark.through_entry_id} ({took:.1f} s)")
            return
        tb = queries.trial_balance(government, year)
        if options["json"]:
            rows = [{"code": r.code, "name": r.name, "debit": r.debit, "credit": r.credit} for r in tb.rows]
            self.stdout.write(json.dumps({"rows": rows, "debit": tb.total_debit, "credit": tb.total_credit}))
            return
        for r in tb.rows:
            self.stdout.write(f"{r.code} {r.name:<20} {r.debit:>20,} {r.credit:>20,}")
        self.stdout.write(f"{'':25} {tb.total_debit:>20,} {tb.total_credit:>20,}")
