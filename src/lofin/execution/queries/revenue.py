"""Reads of revenue: the assessment list, the monthly 세입징수보고 (지방회계법 시행령 §30, R-RV-6), the ledgers of a
revenue code, the refund interest rates and the revenue items of a year."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from lofin.accounting import chart
from lofin.accounting.models import JournalEntry
from lofin.budget.models import NationalCode
from lofin.core import fiscal
from lofin.core.errors import InvalidInput
from lofin.core.models import LocalGovernment

from ..errors import UnknownRevenueCode
from ..models import Assessment, AssessmentStatus, OverpaymentRefund, Receipt, RefundInterestRate
from ..rules.revenue import REVENUE_CHAPTERS, SOURCE_PRESCRIPTION, SOURCE_RECEIPT, report_due
from ..rules.revenue import prescription_years as prescription_years_of

CARRIED = "carried"
LIST_STATUSES = (*AssessmentStatus.values, CARRIED)


def ledgers_for(revenue_code: str, year: int | None = None) -> tuple[str, str]:
    """(receivable, credited ledger) of a revenue code: the 자동분개 mapping kept as data by the accounting service
    (accounting/data/mapping.csv, docs/accounting.md), by the longest matching code."""
    # The seven 장 of the national list (budget/data/revenues.csv); anything else is not a revenue code at all.
    if revenue_code[:1] not in REVENUE_CHAPTERS:
        raise UnknownRevenueCode(code=revenue_code)
    try:
        return chart.revenue_ledgers(revenue_code, year)
    except chart.UnmappedCode:
        raise UnknownRevenueCode(code=revenue_code) from None


def known_revenue_codes(year: int) -> set[str]:
    """The revenue items (목, 세목) of the national code list of a year."""
    return set(
        NationalCode.objects.filter(kind="revenue", year=year, level__in=("item", "subitem")).values_list(
            "code", flat=True
        )
    )


def is_revenue_code(year: int, code: str) -> bool:
    return NationalCode.objects.filter(kind="revenue", year=year, level__in=("item", "subitem"), code=code).exists()


def refund_rates() -> list[tuple[dt.date, Fraction]]:
    """The 환급가산금 rates with the day each came into force (국세기본법 시행규칙 §19의3), oldest first."""
    return [
        (r.valid_from, Fraction(r.annual_rate_bp, 10_000)) for r in RefundInterestRate.objects.order_by("valid_from")
    ]


def is_carried(assessment_id: int) -> bool:
    """Whether the assessment continues next year as 과년도 수입 (its successor has it as `carried_from`)."""
    return Assessment.objects.filter(carried_from_id=assessment_id).exists()


def tax_amount(assessment: Assessment) -> int:
    """The amount of the claim as first decided, before any carry to a next year: 지방세기본법 §39① counts the tax,
    not what remains of it (R-RV-7)."""
    amount, parent = assessment.amount, assessment.carried_from_id
    while parent is not None:
        amount, parent = Assessment.objects.filter(pk=parent).values_list("amount", "carried_from_id").get()
    return amount


def prescription_years(assessment: Assessment) -> int:
    """Five years, or ten for a local tax of 5천만원 or more (rules.revenue.prescription_years)."""
    return prescription_years_of(assessment.revenue_code, tax_amount(assessment))


def _carried() -> Exists:
    """Continued next year as 과년도 수입: a successor has the assessment as `carried_from`."""
    return Exists(Assessment.objects.filter(carried_from=OuterRef("pk")))


def with_carried(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Assessments annotated `carried` (see `_carried`), with their government."""
    return assessments.select_related("government").annotate(carried=_carried())


def assessments_of(government: LocalGovernment, year: int, status: str | None = None) -> QuerySet[Assessment]:
    """A government's assessments of a year, each annotated `carried` (continued next year as 과년도 수입). The
    status "carried" selects those; "open" means still to be collected here, so it leaves them out."""
    qs = with_carried(Assessment.objects.filter(government=government, year=year)).order_by("pk")
    if status is None:
        return qs
    if status not in LIST_STATUSES:
        raise InvalidInput(_("Unknown status."), field="status")
    if status == CARRIED:
        return qs.filter(_carried())
    qs = qs.filter(status=status)
    return qs.filter(~_carried()) if status == AssessmentStatus.OPEN else qs


@dataclass
class ReportRow:
    revenue_code: str
    name: str
    assessed: int = 0  # 징수결정액 of the month
    collected: int = 0  # 수납액 of the month booked to the year
    refunded: int = 0  # 과오납 환급 of the month (charged to the year's revenue)
    written_off: int = 0  # 불납결손 (prescription) of the month
    outstanding: int = 0  # 미수납액 at the end of the month


def _sum_by(qs: QuerySet[Any], code_field: str, total: Any) -> list[tuple[str, int]]:
    return list(qs.values_list(code_field).annotate(total=total).values_list(code_field, "total"))


def revenue_report(government: LocalGovernment, year: int, month: int) -> dict[str, Any]:
    """세입징수보고 (시행령 §30, R-RV-6) of one month: per revenue code, what was decided, collected, refunded and
    written off in the month, and what remains to be collected at its end, with the report's due date.

    December closes the year: it also takes the 출납정리 days up to 10 February of the next year — decisions and
    receipts dated then but booked to the year. 미수납액 is computed from dated events, not from the running totals,
    so a report drawn later shows the month as it was; it counts only receipts booked to the year (a past-year
    receipt is revenue of the year it arrives in, 지방회계법 §27)."""
    due, deadline = report_due(year, month)
    start = dt.date(year, month, 1)
    end = fiscal.completion_deadline(year) if month == 12 else dt.date(year, month, calendar.monthrange(year, month)[1])
    mine = Assessment.objects.filter(government=government)
    entries = JournalEntry.objects.filter(government=government)
    booked = entries.filter(source_type=SOURCE_RECEIPT, fiscal_year=year)
    written = entries.filter(source_type=SOURCE_PRESCRIPTION)
    # A decision cancelled or corrected (its correction is a new decision) leaves the figures on the day it is.
    open_at_end = mine.filter(year=year, assessed_on__lte=end).exclude(cancelled_on__lte=end)
    unpaid = F("amount") - F("collected_amount")
    columns: dict[str, list[tuple[str, int]]] = {
        "assessed": _sum_by(mine.filter(year=year, assessed_on__range=(start, end)), "revenue_code", Sum("amount"))
        + [
            (code, -total)
            for code, total in _sum_by(
                mine.filter(year=year, cancelled_on__range=(start, end)), "revenue_code", Sum("amount")
            )
        ],
        "collected": _sum_by(
            Receipt.objects.filter(pk__in=booked.filter(posted_on__range=(start, end)).values("source_id")),
            "assessment__revenue_code",
            Sum("amount"),
        ),
        "refunded": _sum_by(
            # Refunds are charged to the revenue of the year they are paid in, so none after 31 December.
            OverpaymentRefund.objects.filter(
                government=government, refunded_on__range=(start, min(end, fiscal.cash_closing_date(year)))
            ),
            "receipt__assessment__revenue_code",
            Sum("amount"),
        ),
        "written_off": _sum_by(
            mine.filter(pk__in=written.filter(fiscal_year=year, posted_on__range=(start, end)).values("source_id")),
            "revenue_code",
            Sum(unpaid),
        ),
    }
    outstanding: dict[str, int] = {}
    for code, total in _sum_by(open_at_end, "revenue_code", Sum("amount")):
        outstanding[code] = outstanding.get(code, 0) + total
    # By the year of the decision rather than by the decisions open at the end: a correction takes the receipts of
    # the decision it replaces, including those received before it was made.
    paid_by_end = Receipt.objects.filter(
        assessment__government=government,
        assessment__year=year,
        pk__in=booked.filter(posted_on__lte=end).values("source_id"),
    )
    for code, total in _sum_by(paid_by_end, "assessment__revenue_code", Sum("amount")):
        outstanding[code] = outstanding.get(code, 0) - total
    lost_by_end = open_at_end.filter(pk__in=written.filter(posted_on__lte=end).values("source_id"))
    for code, total in _sum_by(lost_by_end, "revenue_code", Sum(unpaid)):
        outstanding[code] = outstanding.get(code, 0) - total
    columns["outstanding"] = list(outstanding.items())
    rows: dict[str, ReportRow] = {}
    for field, values in columns.items():
        for code, total in values:
            if total:
                row = rows.setdefault(code, ReportRow(code, ""))
                setattr(row, field, getattr(row, field) + total)
    names = dict(
        NationalCode.objects.filter(kind="revenue", year=year, code__in=list(rows)).values_list("code", "name")
    )
    ordered = [rows[code] for code in sorted(rows)]
    for r in ordered:
        r.name = names.get(r.revenue_code, "")
    fields = ("assessed", "collected", "refunded", "written_off", "outstanding")
    return {
        "government": government.code,
        "year": year,
        "month": month,
        "due_on": due,
        "deadline": deadline,
        "rows": [vars(r) for r in ordered],
        "totals": {f: sum(getattr(r, f) for r in ordered) for f in fields},
    }
