"""The 결산 calendar of a year and where each government stands in it.

출납폐쇄 31 December (지방회계법 §7); the listed exceptions until 20 January and every 출납 by 10 February
(시행령 §3): the books are closed by then (결산 완료); the 결산서 goes to the council by 31 May (시행령 §10).
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


def council_deadline(year: int) -> dt.date:
    return dt.date(year + 1, 5, 31)


def deadlines(year: int) -> list[dict[str, Any]]:
    return [
        {"key": "cash_closing", "label": _("출납폐쇄"), "on": fiscal.cash_closing_date(year)},
        {"key": "exceptions", "label": _("exceptions deadline (출납정리기한)"), "on": fiscal.exception_deadline(year)},
        {"key": "completion", "label": _("결산 completion"), "on": fiscal.completion_deadline(year)},
        {"key": "council", "label": _("submission to the council"), "on": council_deadline(year)},
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
    overdue = (status == IN_PROGRESS and today > fiscal.completion_deadline(year)) or (
        status in (IN_PROGRESS, CLOSED) and today > council_deadline(year)
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
    run = ClosingRun.objects.filter(government=government, fiscal_year=year).first()
    return _standing(government, year, run, today)


def overview(year: int, *, today: dt.date) -> list[Standing]:
    """Every government's standing in the year's 결산, for the operator (two queries)."""
    runs = {r.government_id: r for r in ClosingRun.objects.filter(fiscal_year=year)}
    return [_standing(g, year, runs.get(g.pk), today) for g in LocalGovernment.objects.order_by("code")]
