from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lofin.core.actions import do_create_token
from lofin.core.models import User


class Command(BaseCommand):
    help = "API tokens. `lofin token create USERNAME` prints a new bearer token for that user."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=None, help="expire after this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {options['username']}")
        raw, _token = do_create_token(user, actor=user, name=options["name"], days=options["days"])
        self.stdout.write(raw)
