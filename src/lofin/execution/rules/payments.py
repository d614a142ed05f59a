"""Pure rules of 지급명령 (payment orders) and 반납 (money paid coming back), each with its legal source (domain
reference §5, §6). No ORM here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal, money
from lofin.core.errors import InvalidInput, SeparationOfDuties
from lofin.core.types import parse_business_number

from ..errors import ClosedPeriod, ExecutionRuleViolation, PayeeMismatch
from ..models import CommitmentKind, OfficeKind
from .values import check_positive

# The legal form a name carries, in its usual spellings (상법 §19: the 상호 of a company names its kind). Two names
# that carry different forms name different legal persons, however alike the rest.
_LEGAL_FORMS = (
    ("(주)", re.compile(r"\(주\)|㈜|주식회사")),
    ("(유)", re.compile(r"\(유\)|유한회사")),
    ("(합)", re.compile(r"\(합\)|합자회사")),
    ("(재)", re.compile(r"\(재\)|㈶|재단법인")),
    ("(사)", re.compile(r"\(사\)|㈳|사단법인")),
)
_SPACES = re.compile(r"\s+")
# 선금 is paid within 14 days of the contractor's claim (R-EX-6).
ADVANCE_DAYS = 14


def legal_name(name: str) -> tuple[str, frozenset[str]]:
    """A name as people read it: the base name (spaces and case ignored) and the legal forms it carries."""
    text = name or ""
    forms = set()
    for form, pattern in _LEGAL_FORMS:
        if pattern.search(text):
            forms.add(form)
            text = pattern.sub("", text)
    return _SPACES.sub("", text).lower(), frozenset(forms)


def normalize_name(name: str) -> str:
    """The base name, without spaces and legal-form marks (for look-ups; `same_person` compares payees)."""
    return legal_name(name)[0]


def same_person(a: str, b: str) -> bool:
    """R-EX-4: two names of one person — the same base name, and no two different legal forms ("(주)한빛" is not
    "한빛(유)"); a name written without its form is read as the same person."""
    (base_a, forms_a), (base_b, forms_b) = legal_name(a), legal_name(b)
    return bool(base_a) and base_a == base_b and (not forms_a or not forms_b or forms_a == forms_b)


def business_number(text: str) -> str:
    """A 사업자등록번호 as its 10 digits, or "" when the text is not one (another identifier, or none)."""
    try:
        return parse_business_number(text) if text else ""
    except ValueError:
        return ""


def check_payee(
    creditor: str,
    payee: str,
    *,
    creditor_number: str = "",
    payee_number: str = "",
    assignees: Sequence[tuple[str, str]] = (),
) -> None:
    """R-EX-4 (지방회계법 §33): a payment order goes to the creditor of the commitment or to a registered assignee
    (채권양도, 민법 §450). Where both sides carry a 사업자등록번호 the number decides; otherwise the name, and
    different legal persons of the same base name are different payees."""
    wanted_number = business_number(payee_number)
    for name, number in ((creditor, creditor_number), *assignees):
        known = business_number(number)
        if wanted_number and known:
            if wanted_number == known:
                return
        elif same_person(name, payee):
            return
    raise PayeeMismatch(
        creditor=creditor,
        payee=payee,
        rule="R-EX-4",
    )


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


# R-FY-3 (지방회계법 §7②, 시행령 §3): the listed kinds under which money of FY N still goes out until 20 Jan N+1. The
# others are receipts (refunds coming back, state funds not yet received, unused 일상경비 returned).
EXPENDITURE_EXCEPTIONS = frozenset(
    {
        fiscal.ClosingException.CONTRACT_COMPLETED_AT_YEAR_END,
        fiscal.ClosingException.INTER_ACCOUNT_TRANSFER,
        fiscal.ClosingException.CARD_BILL,
    }
)


def check_payment_date(
    fiscal_year: int,
    day: dt.date,
    exception: fiscal.ClosingException | None = None,
    *,
    incurred_on: dt.date | None = None,
) -> None:
    """R-FY-1/R-FY-2/R-FY-3 (지방회계법 §7②, 시행령 §2, §3): cash of FY N goes out until 31 Dec N, and until 20 Jan
    N+1 only under an expenditure kind of the exceptions — or for 급여·여비·실비보상 whose fact occurred in FY N
    (`incurred_on`: such an expenditure belongs to the year of the fact, 시행령 §2). A fact of another year does not
    belong to FY N's line."""
    if incurred_on is not None and fiscal.fiscal_year(incurred_on) != fiscal_year:
        raise ClosedPeriod(
            _(
                "An expenditure belongs to the fiscal year in which the fact that makes it due occurred: "
                "%(year)s (지방회계법 시행령 §2)."
            )
            % {"year": fiscal.fiscal_year(incurred_on)},
            fiscal_year=fiscal_year,
            day=day,
            rule="R-FY-3",
        )
    if (
        day > fiscal.cash_closing_date(fiscal_year)
        and exception is not None
        and exception not in EXPENDITURE_EXCEPTIONS
    ):
        raise ClosedPeriod(
            _(
                "This exception is for money coming in; it does not let a payment out after 31 December (지방회계법 §7)."
            ),
            fiscal_year=fiscal_year,
            day=day,
            rule="R-FY-3",
        )
    if incurred_on is not None and fiscal.year_start(fiscal_year) <= day <= fiscal.exception_deadline(fiscal_year):
        return
    if not fiscal.may_post_cash(fiscal_year, day, exception):
        raise ClosedPeriod(
            _("A payment of fiscal year %(year)s cannot be made on %(day)s.") % {"year": fiscal_year, "day": day},
            fiscal_year=fiscal_year,
            day=day,
        )


def odd_won_dropped(amount: int) -> int:
    """R-FY-5 (지방회계법 §55, 시행령 §67), when the payment takes the 끝수 option: the won under 10 are not paid
    (12,345,678 → 12,345,670), and a total under 10 won is nothing to pay."""
    dropped = money.drop_odd_won(amount)
    if dropped <= 0:
        raise InvalidInput(
            _("Under 10 won nothing is paid when odd won are dropped (지방회계법 §55)."), field="amount", rule="R-FY-5"
        )
    return dropped


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


# R-FY-4 (지방회계법 §7②, §27②, 시행령 §3): the refunds that may still restore the line of FY N until 20 Jan N+1.
LATE_REFUND_KINDS = frozenset(
    {
        fiscal.ClosingException.ADVANCE_PAYMENT_REFUND,  # 선금급·개산급 settled
        fiscal.ClosingException.SUBSIDY_SETTLEMENT_REFUND,
        fiscal.ClosingException.OPERATOR_SETTLEMENT_REFUND,
        fiscal.ClosingException.ENTRUSTMENT_SETTLEMENT_REFUND,  # 민간위탁
        fiscal.ClosingException.IMPREST_RETURN,  # unused 일상경비
    }
)


def refund_kind(
    declared: fiscal.ClosingException | None, *, advance: bool, imprest: bool
) -> fiscal.ClosingException | None:
    """The kind of a 지출반납 after 31 December: that of the payment (선금급·개산급, 일상경비), or the settlement the
    official declares (a subsidy or 민간위탁 settlement). A declared kind must be a refund's and fit the payment."""
    derived = (
        fiscal.ClosingException.IMPREST_RETURN
        if imprest
        else fiscal.ClosingException.ADVANCE_PAYMENT_REFUND
        if advance
        else None
    )
    if declared is None or declared == derived:
        return derived
    if declared not in LATE_REFUND_KINDS or declared in {
        fiscal.ClosingException.ADVANCE_PAYMENT_REFUND,
        fiscal.ClosingException.IMPREST_RETURN,
    }:
        raise InvalidInput(
            _("This refund is not of that kind (지방회계법 시행령 §3)."), field="exception", rule="R-FY-4"
        )
    return declared


def refund_restores_line(fiscal_year: int, received_on: dt.date, kind: fiscal.ClosingException | None) -> bool:
    """R-FY-4 (지방회계법 §27②, §7②, 시행령 §3): a 지출반납 received by 31 Dec N restores the expenditure line of FY
    N; after 31 Dec only the listed kinds (선금급·개산급, subsidy and 민간위탁 settlements, 일상경비) received by 20 Jan
    N+1 do. Any other refund is revenue of the year it arrives in (과년도수입)."""
    if received_on <= fiscal.cash_closing_date(fiscal_year):
        return True
    return kind in LATE_REFUND_KINDS and received_on <= fiscal.exception_deadline(fiscal_year)


def check_refund_day(issued_on: dt.date, received_on: dt.date, today: dt.date) -> None:
    """반납 (지방회계법 §27) is money that was paid coming back: after the payment, and not in the future."""
    if not issued_on <= received_on <= today:
        raise InvalidInput(
            _("Money comes back after it was paid (%(paid)s) and not later than today.")
            % {"paid": issued_on.isoformat()},
            field="received_on",
        )
