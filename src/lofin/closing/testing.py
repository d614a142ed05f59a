"""Builders for tests and benchmarks: a year's books closed the lawful way, drafted by the accounting office and
approved by the head of the government."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from lofin.budget.actions import performance
from lofin.budget.queries import performance as performance_queries
from lofin.core.approvals import actions as approvals
from lofin.core.models import LocalGovernment, User

from . import actions
from .models import ClosingRequest, ClosingRun, DocumentKind

_keys = itertools.count(1)


def propose(government: LocalGovernment, year: int, *, drafter: User, head: User) -> ClosingRequest:
    return actions.do_propose_closing(
        government, year, line=[("approve", head)], actor=drafter, idempotency_key=f"close-{year}-{next(_keys)}"
    )


def close_year(government: LocalGovernment, year: int, *, drafter: User, head: User) -> ClosingRun:
    """Draft the closing of `year` and approve it as the head: the closing run."""
    request = propose(government, year, drafter=drafter, head=head)
    assert request.approval_id is not None
    approvals.do_approve(request.approval_id, actor=head)
    request.refresh_from_db()
    assert request.run is not None
    return request.run


def reopen_year(government: LocalGovernment, year: int, *, drafter: User, head: User, reason: str) -> ClosingRequest:
    request = actions.do_propose_reopening(
        government,
        year,
        reason=reason,
        line=[("approve", head)],
        actor=drafter,
        idempotency_key=f"reopen-{year}-{next(_keys)}",
    )
    assert request.approval_id is not None
    approvals.do_approve(request.approval_id, actor=head)
    request.refresh_from_db()
    return request


def record_package(
    government: LocalGovernment,
    year: int,
    *,
    actor: User,
    skip: Iterable[str] = (),
    reporter: User | None = None,
) -> None:
    """Record every document of the 결산 package (R-AC-6) but those in `skip`: the 성과보고서 (the result of each
    performance target of the year still without one, as its target, when the year has targets; else the recorded
    document), the opinions, the 이월명세서 as documents, the other 지방회계법 §17 attachments as not applicable."""
    skipped = set(skip)
    targets = list(performance_queries.targets(government, year))
    for target in targets:
        if "performance_report" not in skipped and not target.has_result:
            performance.do_record_performance_result(
                target, achieved_value=target.target_value, actor=reporter or actor
            )
    for kind in DocumentKind:
        if kind.value in skipped or (kind == DocumentKind.PERFORMANCE_REPORT and targets):
            continue
        if kind.value.startswith("att_") and kind != DocumentKind.CARRY_OVER:
            actions.do_record_document(government, year, kind=kind.value, not_applicable=True, actor=actor)
        else:
            actions.do_record_document(
                government,
                year,
                kind=kind.value,
                reference="결산-1",
                dated_on=dt.date(year + 1, 2, 11),
                summary="본문",
                actor=actor,
            )
