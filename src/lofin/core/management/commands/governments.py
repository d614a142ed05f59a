from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lofin.core import governments
from lofin.core.models import LocalGovernment
from lofin.core.schemas import GovernmentOut


class Command(BaseCommand):
    help = "The registry of local governments."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="list the governments")
        listing.add_argument("--json", action="store_true", help="print a JSON array")
        listing.add_argument("--as-of", type=dt.date.fromisoformat, help="as they were on this date (YYYY-MM-DD)")
        sub.add_parser("load", help="(re)load the registry from the shipped CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            created = governments.load()
            self.stdout.write(f"{created} created; {LocalGovernment.objects.count()} in the registry")
            return
        as_of = options.get("as_of")
        qs = LocalGovernment.objects.active(as_of).select_related("parent").prefetch_related("versions")
        rows = [GovernmentOut.model_validate(g.as_of(as_of)).model_dump() for g in qs.order_by("code")]
        if not rows:
            raise CommandError("the registry is empty: run `lofin migrate` first")
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(
                f"{r['code']}  {r['legal_dong_code']:<5}  {r['level']}  {r['kind']:<5}  {r['parent_code'] or '-':<7}  {r['name']}"
            )
        self.stdout.write(f"{len(rows)} governments")
