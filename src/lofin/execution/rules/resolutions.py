"""Pure rules of 지출결의, the 금고's payment confirmation and 개산급 settlement, each with its source. No ORM here.

Sources (text read in 지방회계법 and its 시행령 as in force 2025; domain reference §6, §8.3):
- 법 §31: the 재무관 who made a commitment sends its documents to the 지출원 — the 지출결의 is that hand-over.
- 시행령 §33: before a 지급명령 the 지출원 confirms that (1) those documents were sent, (2) the amount is within the
  allocated budget and the 지출한도, (3) the 세출과목 and fiscal year match. A payment against a resolution therefore
  stays within the resolution and on its commitment.
- 법 §36, 시행령 §46: 재무관 and 지출원 duties are not held by one person (the resolver is the 재무관's side).
- 지방계약법 §17, §18 and 시행령 §64, §67: a works, goods or services contract is paid after 검사 of the
  performance; 검사조서 may be omitted below 3천만원, but not the inspection itself. Which 편성목 are bought under such
  contracts is not listed in any source read: `INSPECTED_ITEMS` is an inference (I) from the classification of
  domain reference §4.4 — 일반운영비, 재료비, 연구개발비, 시설비및부대비, 자산및물품취득비 — and is configuration.
- 시행령 §44①13: a 선금 is paid on the contractor's claim before performance, so its claim carries no inspection.
- 법 §35, 시행령 §45: 개산급 is paid on an estimate; its settlement (정산) fixes the actual amount. The excess comes
  back as 반납 (법 §27: to the same line until the closing deadline, then revenue), a shortfall is a further
  payment order on the same commitment.
- 시행령 §34, §63②: an order is paid by the 금고 by the closing deadline (20 January for the listed exceptions), and
  the 금고 reports the result to the 지출원.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.errors import InvalidInput

from ..errors import (
    ClosedPeriod,
    InspectionFailed,
    InspectionRequired,
    InsufficientCommitment,
    ResolutionExceedsCommitment,
    ResolutionMismatch,
)
from ..models import CommitmentKind

# 편성목 (first three digits of the 통계목) whose spending is bought by works, goods or services contracts (I).
INSPECTED_ITEMS = frozenset({"201", "206", "207", "401", "405"})


def needs_inspection(object_code: str, *, commitment_kind: str, for_advance: bool) -> bool:
    """Whether a claim on a line of this 통계목 must carry a passed inspection: contracts for works, goods and
    services (지방계약법 §17), except a 선금 claim (before performance) and 개산급 (settled later, 법 §35)."""
    if for_advance or commitment_kind == CommitmentKind.ESTIMATED:
        return False
    return object_code[:3] in INSPECTED_ITEMS


def check_inspection(*, required: bool, result: str, inspected_on: dt.date | None, inspector_id: int | None) -> None:
    """An inspection, when recorded, is dated, names its inspector and has passed; a required one must be there."""
    recorded = bool(result or inspected_on or inspector_id)
    if not recorded:
        if required:
            raise InspectionRequired(field="inspection")
        return
    if result not in ("passed", "failed") or inspected_on is None or inspector_id is None:
        raise InvalidInput(
            _("An inspection needs its date, its inspector and its result (passed or failed)."), field="inspection"
        )
    if result != "passed":
        raise InspectionFailed(field="inspection")


def check_resolution_dates(
    *,
    fiscal_year: int,
    committed_on: dt.date,
    claimed_on: dt.date,
    inspected_on: dt.date | None,
    resolved_on: dt.date,
    today: dt.date,
) -> None:
    """Commitment ≤ claim ≤ resolution, commitment ≤ inspection ≤ resolution, none in the future; a resolution of FY N
    is made while its payments may still be made (until 20 January N+1, 시행령 §34)."""
    if resolved_on > today:
        raise InvalidInput(_("A resolution cannot be dated in the future."), field="resolved_on")
    if not fiscal.year_start(fiscal_year) <= resolved_on <= fiscal.exception_deadline(fiscal_year):
        raise ClosedPeriod(
            _("A resolution of fiscal year %(year)s cannot be made on %(day)s.")
            % {"year": fiscal_year, "day": resolved_on},
            fiscal_year=fiscal_year,
            day=resolved_on,
        )
    if not committed_on <= claimed_on <= resolved_on:
        raise InvalidInput(
            _("The claim must be dated between the commitment and the resolution."),
            field="claim.date",
            committed_on=committed_on,
            resolved_on=resolved_on,
        )
    if inspected_on is not None and not committed_on <= inspected_on <= resolved_on:
        raise InvalidInput(
            _("The inspection must be dated between the commitment and the resolution."),
            field="inspection.date",
            committed_on=committed_on,
            resolved_on=resolved_on,
        )


def check_confirmation_date(*, fiscal_year: int, issued_on: dt.date, paid_on: dt.date, today: dt.date) -> None:
    """The 금고 pays after the order and no later than the exception deadline of its fiscal year (시행령 §34)."""
    if not issued_on <= paid_on <= today:
        raise InvalidInput(
            _("The payment date must be on or after the order's date and not in the future."),
            field="paid_on",
            issued_on=issued_on,
        )
    if paid_on > fiscal.exception_deadline(fiscal_year):
        raise ClosedPeriod(
            _("A payment of fiscal year %(year)s cannot be made on %(day)s.") % {"year": fiscal_year, "day": paid_on},
            fiscal_year=fiscal_year,
            day=paid_on,
        )


def settlement_split(paid: int, actual: int) -> tuple[int, int]:
    """(excess to come back as 반납, shortfall to pay by a further order) of an estimated payment."""
    return max(paid - actual, 0), max(actual - paid, 0)


def check_resolution_amount(amount: int, claim_amount: int) -> None:
    """법 §31: the 재무관 resolves to pay the creditor's claim — at most what was claimed."""
    if amount > claim_amount:
        raise InvalidInput(_("A resolution pays at most what the creditor claimed."), field="amount")


def check_advance_claim(*, commitment_kind: str, for_advance: bool) -> None:
    """시행령 §44①13: a claim for 선금 is resolved on a commitment of the kind 선금급."""
    if for_advance and commitment_kind != CommitmentKind.ADVANCE:
        raise ResolutionMismatch(
            _("A claim for an advance is resolved on a commitment of the kind 선금급."), field="for_advance"
        )


def check_within_commitment(amount: int, *, unpaid: int, resolved: int) -> None:
    """시행령 §33: what is resolved for payment stays within the commitment — within what is neither paid nor
    already resolved on it."""
    free = unpaid - resolved
    if amount > free:
        raise ResolutionExceedsCommitment(
            _("The commitment has %(free)s won neither paid nor resolved; the resolution asks %(amount)s won.")
            % {"free": f"{max(free, 0):,}", "amount": f"{amount:,}"},
            unpaid=unpaid,
            resolved=resolved,
            amount=amount,
        )


def check_order_follows(
    *, resolution_commitment: int, commitment: int, resolution_for_advance: bool, is_advance: bool
) -> None:
    """시행령 §33: an order that follows a 지출결의 pays that resolution's commitment, and the same kind of payment
    (선금 or not) the resolution was made for."""
    if resolution_commitment != commitment or resolution_for_advance != is_advance:
        raise ResolutionMismatch(field="resolution_id", commitment=resolution_commitment)


def check_settlement_day(committed_on: dt.date, settled_on: dt.date, today: dt.date) -> None:
    """법 §35, 시행령 §45: an estimate is settled after it was committed, and not in the future."""
    if not committed_on <= settled_on <= today:
        raise InvalidInput(_("The settlement must be dated between the commitment and today."), field="settled_on")


def check_shortfall_covered(shortfall: int, unpaid: int) -> None:
    """시행령 §45: a shortfall is paid by a further order on the same commitment, so the commitment must cover it;
    otherwise the 재무관 commits the difference first."""
    if shortfall > unpaid:
        raise InsufficientCommitment(
            _("The commitment does not cover the actual amount; the 재무관 must commit the difference first."),
            unpaid=unpaid,
            amount=shortfall,
        )
