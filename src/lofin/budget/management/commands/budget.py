from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lofin.budget import codes
from lofin.budget.models import BudgetVersion
from lofin.budget.queries import versions as versions_queries
from lofin.budget.rules import council as council_rules
from lofin.core.models import LocalGovernment


class Command(BaseCommand):
    help = "Budgets: `budget show --government CODE --year YEAR [--version N] [--json]`, `budget codes --year Y`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="totals, totals by 분야 and every line of a budget version")
        show.add_argument("--government", required=True, help="7-digit government code")
        show.add_argument("--year", required=True, type=int)
        show.add_argument("--version", type=int, help="0 = 본예산 (default), n = 제n회 추경")
        show.add_argument("--json", action="store_true")
        deadlines = sub.add_parser("deadlines", help="statutory bill and vote deadlines (지방자치법 §142)")
        deadlines.add_argument("--government", required=True)
        deadlines.add_argument("--year", required=True, type=int)
        load = sub.add_parser("codes", help="load the national code lists for more fiscal years")
        load.add_argument("--year", type=int, nargs="+", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "codes":
            created = codes.load(options["year"])
            self.stdout.write(f"{created} code rows loaded")
            return
        government = LocalGovernment.objects.filter(code=options["government"]).first()
        if government is None:
            raise CommandError(f"unknown government code: {options['government']}")
        if action == "deadlines":
            due = council_rules.deadlines(government.level, options["year"])
            self.stdout.write(json.dumps({"bill_due": str(due.bill_due), "vote_due": str(due.vote_due)}))
            return
        number = options["version"] if options["version"] is not None else 0
        version = BudgetVersion.objects.filter(government=government, year=options["year"], number=number).first()
        if version is None:
            raise CommandError(f"no budget version {number} of {options['year']} for {government.code}")
        data = versions_queries.summary(version)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{government.name} {version.year} {version.label} ({version.get_status_display()})")
        for key, value in data["totals"].items():
            self.stdout.write(f"  {key:<20} {value:>22,}")
        self.stdout.write(f"  {len(data['lines'])} lines")
