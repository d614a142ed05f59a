"""`lofin accounting close --government CODE --year YEAR [--as USERNAME] [--approve-as HEAD]`: the closing from the
command line. The accounting official drafts it onto an approval line ending with the head of the government; with
`--approve-as` that head approves at once (a demo, or a head working at the console) and the closing runs."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lofin.core.approvals import actions as approvals
from lofin.core.models import LocalGovernment, Membership, Official, User
from lofin.core.roles import Position, Role

from . import actions


def add_parser(sub: Any) -> CommandParser:
    close = sub.add_parser("close", help="결산: closing entries, statements stored with their digest, the year locked")
    close.add_argument("--government", required=True, help="7-digit government code")
    close.add_argument("--year", required=True, type=int)
    close.add_argument("--as", dest="username", help="the 재무관 who drafts (default: the government's first)")
    close.add_argument("--approve-as", dest="head", help="the head of the government, who approves at once")
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


def _head(government: LocalGovernment, username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"unknown user: {username}")
        return user
    post = (
        Official.objects.filter(government=government, position=Position.HEAD, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    if post is None:
        raise CommandError("no head of government on record: give --approve-as USERNAME")
    return post.user


def close(government: LocalGovernment, options: dict[str, Any], write: Any) -> None:
    started = time.perf_counter()
    year = options["year"]
    head = _head(government, options.get("head"))
    request = actions.do_propose_closing(
        government,
        year,
        line=[("approve", head)],
        actor=_actor(government, options.get("username")),
        idempotency_key=f"cli-close-{year}-{time.time_ns()}",
    )
    if not options.get("head"):
        write(f"closing of {government.code} {year} drafted: approval {request.approval_id} waits for {head.username}")
        return
    assert request.approval_id is not None
    approvals.do_approve(request.approval_id, actor=head)
    request.refresh_from_db()
    run = request.run
    if run is None:
        raise CommandError("the approval did not close the books")
    took = time.perf_counter() - started
    write(
        f"closed {government.code} {run.fiscal_year}: {run.closing_entries} closing entries, "
        f"digest {run.digest} ({took:.1f} s)"
    )
