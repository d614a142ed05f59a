"""Pure rules of 지급명령 (payment orders) and 반납 (money paid coming back), each with its legal source (domain
reference §5, §6). No ORM here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.errors import InvalidInput, SeparationOfDuties

from ..errors import ClosedPeriod, ExecutionRuleViolation, PayeeMismatch
from ..models import CommitmentKind, OfficeKind
from .values import check_positive

_COMPANY_MARKS = re.compile(r"\(주\)|㈜|주식회사|\(유\)|유한회사|\(재\)|재단법인|\(사\)|사단법인|\s+")
# 선금 is paid within 14 days of the contractor's claim (R-EX-6).
ADVANCE_DAYS = 14


def normalize_name(name: str) -> str:
    """Names compared as people read them: company marks and spaces do not make another creditor."""
    return _COMPANY_MARKS.sub("", name or "").lower()


def check_payee(creditor: str, payee: str, assignees: tuple[str, ...] = ()) -> None:
    """R-EX-4 (지방회계법 §33): a payment order goes to the creditor of the commitment (or a registered assignee)."""
    wanted = normalize_name(payee)
    if wanted and (wanted == normalize_name(creditor) or wanted in {normalize_name(a) for a in assignees}):
        return
    raise PayeeMismatch(creditor=creditor, payee=payee)


# 지방회계법 시행령 §46: the 정원 up to which one person may be both 분임재무관 and 일상경비 출납원 of an office.
SMALL_OFFICE_STAFF = 3


def small_office_pair_allowed(office_kind: str | None, staff_count: int | None) -> bool:
    """R-EX-3 (시행령 §46): the one exception — a 분임재무관 office whose 정원 is three or fewer."""
    return office_kind == OfficeKind.SUB_FINANCE and staff_count is not None and staff_count <= SMALL_OFFICE_STAFF


def check_separation(
    *, committed_by: int, issuer: int, cashiers: set[int], committing_office: tuple[str, int | None] | None
) -> None:
    """R-EX-3 (지방회계법 §36, 시행령 §46): the 재무관 who committed cannot order the payment, and neither may be an
    출납원 of the money. The only exception: in a 분임재무관 office whose 정원 is three or fewer (`committing_office`,
    its kind and 정원), the 분임재무관 may also be the 일상경비 출납원 — never the 지출원 of their own commitment."""
    if issuer == committed_by:
        raise SeparationOfDuties(
            _("You made this commitment as 재무관, so you cannot also order its payment (지방회계법 §36)."),
            rule="R-EX-3",
        )
    if issuer in cashiers:
        raise SeparationOfDuties(
            _("A 지출원 of this money may not also be its cashier (지방회계법 §36)."), rule="R-EX-3"
        )
    if committed_by in cashiers and not (committing_office and small_office_pair_allowed(*committing_office)):
        raise SeparationOfDuties(
            _(
                "A 재무관 of this money may not also be its cashier; only a 분임재무관 in an office of three or fewer "
                "staff may be its 일상경비 출납원 (지방회계법 §36, 시행령 §46)."
            ),
            rule="R-EX-3",
        )


def check_disbursing_office(office_kind: str) -> None:
    """지방회계법 §31: payments are ordered by a 지출원 — a disbursing office — within its 지출한도."""
    if office_kind != OfficeKind.DISBURSING:
        raise InvalidInput(_("Payments are ordered by a disbursing office (지출원)."), field="office")


def check_payment_date(fiscal_year: int, day: dt.date, exception: fiscal.ClosingException | None = None) -> None:
    """R-FY-1/R-FY-2 (지방회계법 §7②, 시행령 §3): cash of FY N moves until 31 Dec N, listed exceptions until
    20 Jan N+1."""
    if not fiscal.may_post_cash(fiscal_year, day, exception):
        raise ClosedPeriod(
            _("A payment of fiscal year %(year)s cannot be made on %(day)s.") % {"year": fiscal_year, "day": day},
            fiscal_year=fiscal_year,
            day=day,
        )


def withheld_total(amount: int, withholdings: Sequence[tuple[str, int]]) -> int:
    """원천징수 (소득세법 §127 and the social insurance acts) is taken out of the payment and paid on by the
    government: each deduction is named and positive, and together they leave something to pay the payee."""
    withheld = 0
    for kind, value in withholdings:
        check_positive(value)
        if not kind:
            raise InvalidInput(_("Name each withholding."), field="withholdings")
        withheld += value
    if withheld >= amount:
        raise InvalidInput(_("Withholdings must be less than the payment."), field="withholdings")
    return withheld


def check_advance_claim(
    *, commitment_kind: str, is_advance: bool, claimed_on: dt.date | None, issued_on: dt.date
) -> None:
    """시행령 §44: 선금 is paid on a commitment of the kind 선금급, on the contractor's claim made before the order."""
    if not is_advance:
        return
    if commitment_kind != CommitmentKind.ADVANCE:
        raise InvalidInput(_("Advance payments are made on a commitment of the kind 선금급."), field="is_advance")
    if claimed_on is None or claimed_on > issued_on:
        raise InvalidInput(_("Give the date of the contractor's claim for the advance."), field="claimed_on")


def check_advance(contract_amount: int, advances_total: int, *, head_approval: bool) -> None:
    """R-EX-6 (시행령 §44): 선금 up to 70 % of the contract, 100 % with the head's approval."""
    limit = contract_amount if head_approval else contract_amount * 7 // 10
    if advances_total > limit:
        raise ExecutionRuleViolation(
            _("Advance payments may reach %(percent)s %% of the contract at most.")
            % {"percent": 100 if head_approval else 70},
            rule="R-EX-6",
        )


def advance_is_late(claimed_on: dt.date, paid_on: dt.date) -> bool:
    """선금 must be paid within 14 days of the claim (R-EX-6)."""
    return (paid_on - claimed_on).days > ADVANCE_DAYS


def refund_restores_line(fiscal_year: int, received_on: dt.date) -> bool:
    """R-FY-4 (지방회계법 §27): a refund received by the 20 Jan exception deadline restores the expenditure line
    of its year; later it is revenue of the year it arrives in."""
    return received_on <= fiscal.exception_deadline(fiscal_year)


def check_refund_day(issued_on: dt.date, received_on: dt.date, today: dt.date) -> None:
    """반납 (지방회계법 §27) is money that was paid coming back: after the payment, and not in the future."""
    if not issued_on <= received_on <= today:
        raise InvalidInput(
            _("Money comes back after it was paid (%(paid)s) and not later than today.")
            % {"paid": issued_on.isoformat()},
            field="received_on",
        )
