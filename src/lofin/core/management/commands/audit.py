from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lofin.core import audit
from lofin.core.models import LocalGovernment


class Command(BaseCommand):
    help = "Check the hash-chained audit trail. Exits 1 and names the first bad event if anything was altered."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify every chain, or one government's")
        verify.add_argument("--government", help="7-digit government code")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options.get("government")
        if code and not LocalGovernment.objects.filter(code=code).exists():
            raise CommandError(f"unknown government code: {code}")
        reports = audit.verify(code)
        broken = [r for r in reports if r.broken]
        total = sum(r.events for r in reports)
        for report in broken:
            self.stderr.write(report.broken.describe() if report.broken else "")
        if broken:
            raise CommandError(f"audit trail altered: {len(broken)} of {len(reports)} chains broken")
        self.stdout.write(f"audit trail intact: {len(reports)} chains, {total} events")
