from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lofin.demo import registry
from lofin.demo.people import DEMO_OPERATOR_TOTP_HEX, demo_users


class Command(BaseCommand):
    help = "Deterministic demo data: `demo load --size tiny|small|large`, `demo users [--json]`, `demo otp`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load demo data (idempotent)")
        load.add_argument("--size", choices=registry.SIZES, default="small")
        load.add_argument("--seed", type=int, default=registry.SEED)
        load.add_argument("--only", nargs="*", help="run only these loaders")
        load.add_argument("--no-progress", action="store_true")
        users = sub.add_parser("users", help="list the demo accounts")
        users.add_argument("--json", action="store_true")
        sub.add_parser("otp", help="print the demo operator's current two-step code")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "users":
            rows = demo_users()
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
                return
            for r in rows:
                self.stdout.write(
                    f"{r['username']:<32} {r['government'] or '-':<8} {','.join(r['roles']):<40} {r['name']}"
                )
            self.stdout.write(f"{len(rows)} demo accounts; password: {settings.LOFIN_DEMO_PASSWORD}")
            return
        if action == "otp":
            self.stdout.write(f"{totp(bytes.fromhex(DEMO_OPERATOR_TOTP_HEX)):06d}")
            return
        if not settings.LOFIN_DEMO:
            raise CommandError(
                "refusing to load demo accounts into a configured (production) database; set LOFIN_DEMO=1 "
                "if this database is really a demo"
            )
        start = time.perf_counter()
        console = Console(stderr=True)
        show = not options["no_progress"]
        progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not show,
        )
        try:
            with progress:
                done = registry.run(options["size"], seed=options["seed"], progress=progress, only=options["only"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in done:
            self.stdout.write(line)
        self.stdout.write(f"demo data ({options['size']}) ready in {time.perf_counter() - start:.1f} s")
