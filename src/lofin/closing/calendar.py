"""The 결산 calendar of a year and where each government stands in it.

출납폐쇄 31 December (지방회계법 §7①); the listed exceptions until 20 January (§7②, 시행령 §3) and every 출납 complete by
10 February (출납사무 완결, §7③): the books of the year may be locked only after that (R-AC-5). The 결산서 with the
검사위원 opinion within 80 days after 출납폐쇄 (지방자치법 §150①) and to the council by 31 May (지방회계법 시행령 §10).
The dates after 31 December are settings (`LOFIN_CLOSING_CALENDAR`, read by `core.fiscal`).
Status: not started (the year is still running), in progress (the year has ended, the books are open), closed
(the closing run is done and the year locked), submitted (the 결산서 is with the council)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.models import LocalGovernment

from .models import ClosingRun, RunStatus

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
CLOSED = "closed"
SUBMITTED = "submitted"
STATUS_LABELS = {
    NOT_STARTED: _("not started"),
    IN_PROGRESS: _("in progress"),
    CLOSED: _("closed"),
    SUBMITTED: _("submitted to the council"),
}


def deadlines(year: int) -> list[dict[str, Any]]:
    return [
        {"key": "cash_closing", "label": _("출납폐쇄"), "on": fiscal.cash_closing_date(year)},
        {"key": "exceptions", "label": _("exceptions deadline (출납정리기한)"), "on": fiscal.exception_deadline(year)},
        {
            "key": "completion",
            "label": _("출납사무 completion (지방회계법 §7③)"),
            "on": fiscal.completion_deadline(year),
        },
        {
            "key": "statement",
            "label": _("결산서 with the 검사위원 opinion (지방자치법 §150①)"),
            "on": fiscal.statement_deadline(year),
        },
        {
            "key": "council",
            "label": _("submission to the council (지방회계법 시행령 §10)"),
            "on": fiscal.council_deadline(year),
        },
    ]


@dataclass(frozen=True)
class Standing:
    government_id: int
    code: str
    name: str
    year: int
    status: str
    closed_at: dt.datetime | None
    submitted_on: dt.date | None
    overdue: bool

    @property
    def label(self) -> Any:
        return STATUS_LABELS[self.status]


def _standing(government: LocalGovernment, year: int, run: ClosingRun | None, today: dt.date) -> Standing:
    if run is not None and run.status == RunStatus.SUBMITTED:
        status = SUBMITTED
    elif run is not None:
        status = CLOSED
    elif today > fiscal.cash_closing_date(year):
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    overdue = (status == IN_PROGRESS and today > fiscal.statement_deadline(year)) or (
        status in (IN_PROGRESS, CLOSED) and today > fiscal.council_deadline(year)
    )
    return Standing(
        government.pk,
        government.code,
        government.name,
        year,
        status,
        run.closed_at if run else None,
        run.submitted_on if run else None,
        overdue,
    )


def standing(government: LocalGovernment, year: int, *, today: dt.date) -> Standing:
    run = ClosingRun.objects.filter(government=government, fiscal_year=year).exclude(status=RunStatus.REOPENED).first()
    return _standing(government, year, run, today)


def overview(year: int, *, today: dt.date) -> list[Standing]:
    """Every government's standing in the year's 결산, for the operator (two queries)."""
    runs = {r.government_id: r for r in ClosingRun.objects.filter(fiscal_year=year).exclude(status=RunStatus.REOPENED)}
    return [_standing(g, year, runs.get(g.pk), today) for g in LocalGovernment.objects.order_by("code")]
