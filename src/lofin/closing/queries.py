"""Reads of the closing (결산): the document of a year (stored when closed, else computed), and the check that the
budget's cash agrees with the books."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.db.models import Sum
from django.db.models.functions import ExtractMonth

from lofin.accounting.chart import CASH
from lofin.accounting.models import JournalLine
from lofin.core.models import LocalGovernment
from lofin.execution.models import PaymentOrder

from . import snapshot
from .models import ClosingRequest, ClosingRun, RunStatus


def live_run(government: LocalGovernment, year: int) -> ClosingRun | None:
    """The year's closing run in force (a reopened run is history)."""
    return ClosingRun.objects.filter(government=government, fiscal_year=year).exclude(status=RunStatus.REOPENED).first()


def runs(government: LocalGovernment, year: int) -> list[ClosingRun]:
    """Every closing run of the year, the reopened ones included, oldest first."""
    return list(
        ClosingRun.objects.filter(government=government, fiscal_year=year)
        .select_related("closed_by", "reopened_by", "submitted_by")
        .order_by("pk")
    )


def requests(government: LocalGovernment, year: int) -> list[ClosingRequest]:
    """The closings and reopenings of the year drafted so far, with their approval lines, newest first."""
    return list(
        ClosingRequest.objects.filter(government=government, fiscal_year=year)
        .select_related("approval", "drafted_by")
        .order_by("-pk")
    )


def document_for(government: LocalGovernment, year: int) -> tuple[dict[str, Any], ClosingRun | None]:
    """The stored snapshot of a closed year, or the statements of the books as they are."""
    run = live_run(government, year)
    if run is not None:
        return json.loads(run.snapshot), run
    return snapshot.compute(government, year), None


def cash_reconciliation(government_id: int, year: int) -> list[dict[str, Any]]:
    """The budget side and the books agree on the cash paid out (R-AC reconciliation, a 결산 check): per budget
    account and month, the net cash of the payment orders issued (amount less 원천징수) against the cash credited by
    their entries. Returns the differing (account, month) pairs; empty when they reconcile."""
    paid: dict[tuple[int, int], int] = defaultdict(int)
    for account_id, on, amount, withheld in PaymentOrder.objects.filter(
        government_id=government_id, fiscal_year=year
    ).values_list("commitment__line__account_id", "issued_on", "amount", "withholding_amount"):
        paid[(account_id, on.month)] += amount - withheld
    booked: dict[tuple[int, int], int] = defaultdict(int)
    for account_id, month, credit in (
        JournalLine.objects.filter(
            entry__government_id=government_id,
            entry__fiscal_year=year,
            entry__source_type="execution.payment",
            ledger_code=CASH,
        )
        .annotate(m=ExtractMonth("entry__posted_on"))
        .values("entry__account_id", "m")
        .annotate(c=Sum("credit"))
        .values_list("entry__account_id", "m", "c")
    ):
        booked[(account_id, month)] += credit or 0
    return [
        {"account_id": k[0], "month": k[1], "paid": paid.get(k, 0), "booked": booked.get(k, 0)}
        for k in sorted(set(paid) | set(booked))
        if paid.get(k, 0) != booked.get(k, 0)
    ]


def submitted(government_id: int, year: int) -> bool:
    """Whether the year's 결산서 is with the council (its live run submitted): its 성과보고서 is then final."""
    return ClosingRun.objects.filter(government_id=government_id, fiscal_year=year, status=RunStatus.SUBMITTED).exists()
