"""`lofin accounting close --government CODE --year YEAR [--as USERNAME]`: the closing run from the command line."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lofin.core.models import LocalGovernment, Membership, User
from lofin.core.roles import Role

from . import actions


def add_parser(sub: Any) -> CommandParser:
    close = sub.add_parser("close", help="결산: closing entries, statements stored with their digest, the year locked")
    close.add_argument("--government", required=True, help="7-digit government code")
    close.add_argument("--year", required=True, type=int)
    close.add_argument("--as", dest="username", help="the 재무관 who closes (default: the government's first)")
    return close


def _actor(government: LocalGovernment, username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"unknown user: {username}")
        return user
    found = (
        Membership.objects.current()
        .filter(government=government, role__in=[Role.FINANCE_OFFICER, Role.DISBURSING_OFFICER])
        .order_by("pk")
        .select_related("user")
        .first()
    )
    if found is None:
        raise CommandError("no 재무관 or 지출원 in this government: give --as USERNAME")
    return found.user


def close(government: LocalGovernment, options: dict[str, Any], write: Any) -> None:

    started = time.perf_counter()
    run = actions.do_close_books(government, options["year"], actor=_actor(government, options.get("username")))
    took = time.perf_counter() - started
    write(
        f"closed {government.code} {run.fiscal_year}: {run.closing_entries} closing entries, "
        f"digest {run.digest} ({took:.1f} s)"
    )
