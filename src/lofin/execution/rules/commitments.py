"""Pure rules of 지출원인행위 (commitments), each with its legal source. No ORM here."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.errors import InvalidInput

from ..errors import ClosedPeriod, ExecutionRuleViolation
from ..models import CommitmentKind, OfficeKind


def check_commitment_day(line_year: int, committed_on: dt.date, today: dt.date) -> None:
    """지방재정법 §7 (회계연도 독립): a commitment belongs to the year it is made in and is recorded in it. Once the
    year has ended its lines take no new commitments, even dated back to December: the allocation left then lapses
    or is carried (지방재정법 §50, R-BP-7)."""
    if fiscal.fiscal_year(committed_on) != line_year or today.year > line_year:
        raise ClosedPeriod(
            _("A commitment of fiscal year %(year)s must be made within that year.") % {"year": line_year}
        )


def check_committing_office(office_kind: str | None) -> None:
    """R-EX-1, 지방회계법 §31: a 재무관 (or a 분임재무관 within a 재배정) makes commitments and sends their documents
    to the 지출원, who orders the payments; a disbursing office makes no commitment."""
    if office_kind == OfficeKind.DISBURSING:
        raise InvalidInput(_("Commitments are made by a finance office, not a disbursing office."), field="office")


def check_commitment_terms(*, creditor: str, purpose: str, kind: str) -> tuple[str, str]:
    """R-EX-1: a commitment obligates the allocation to a named creditor for a stated purpose, and is of a known
    kind. Returns the creditor and purpose stripped."""
    creditor, purpose = (creditor or "").strip(), (purpose or "").strip()
    if not creditor:
        raise InvalidInput(_("Name the creditor."), field="creditor")
    if not purpose:
        raise InvalidInput(_("State the purpose of the commitment."), field="purpose")
    if len(creditor) > 100 or len(purpose) > 200:
        raise InvalidInput(_("The creditor or purpose is too long."))
    if kind not in CommitmentKind.values:
        raise InvalidInput(_("Unknown kind of commitment."), field="kind")
    return creditor, purpose


def check_past_year_charge(
    *, obligation_year: int, line_year: int, same_item: bool, unpaid: int, amount: int, lapsed: int, charged: int
) -> None:
    """R-EX-8 (지방회계법 §37): 과년도지출 — an obligation fixed in a closed year and left unpaid is paid from the
    current year's line of the same item, up to what is left unpaid of it, and the charges of the item together stay
    within its 불용액 of the closed year (`lapsed`; `charged`: what was charged for it already)."""
    if line_year <= obligation_year or not same_item:
        raise ExecutionRuleViolation(
            _("A past-year obligation is paid from the current year's line of the same item (지방회계법 §37)."),
            rule="R-EX-8",
        )
    if amount > unpaid:
        raise ExecutionRuleViolation(
            _("Only %(unpaid)s won of this obligation are left unpaid (지방회계법 §37).") % {"unpaid": f"{unpaid:,}"},
            rule="R-EX-8",
            unpaid=unpaid,
        )
    if charged + amount > lapsed:
        raise ExecutionRuleViolation(
            _(
                "Past-year payments of this item may reach its lapsed amount of the closed year, %(lapsed)s won; "
                "%(charged)s won are charged already (지방회계법 §37)."
            )
            % {"lapsed": f"{lapsed:,}", "charged": f"{charged:,}"},
            rule="R-EX-8",
            lapsed=lapsed,
            charged=charged,
        )
