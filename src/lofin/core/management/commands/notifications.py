from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lofin.core.notifications.tasks import process_due


class Command(BaseCommand):
    help = "Send due e-mail/SMS/알림톡 messages (with --loop, keep doing it: the retry sweeper)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="send due messages")
        send.add_argument("--loop", action="store_true", help="repeat every --interval seconds")
        send.add_argument("--interval", type=float, default=15.0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            outcome = process_due()
            if any(outcome.values()) or not options["loop"]:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(outcome.items())))
            if not options["loop"]:
                return
            time.sleep(options["interval"])
