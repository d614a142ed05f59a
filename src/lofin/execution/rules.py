"""Pure rules of budget execution, each with its legal source (domain reference §3, §5, §6, §7). No ORM here."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from lofin.core import fiscal
from lofin.core.errors import Conflict, InvalidInput, SeparationOfDuties


class ExecutionRuleViolation(Conflict):
    code = "execution_rule"
    default_message = _("The request breaks a rule of budget execution.")


class InsufficientAllocation(Conflict):
    code = "insufficient_allocation"
    default_message = _("The line's allocation does not cover this amount.")


class InsufficientCommitment(Conflict):
    code = "insufficient_commitment"
    default_message = _("The payment exceeds what remains unpaid on the commitment.")


class OverDisbursementLimit(Conflict):
    code = "over_disbursement_limit"
    default_message = _("The payment exceeds the disbursing office's payment ceiling (지출한도).")


class OverAppropriation(Conflict):
    code = "over_appropriation"
    default_message = _("The allocation would exceed the line's appropriation (예산현액).")


class PayeeMismatch(InvalidInput):
    code = "payee_mismatch"
    default_message = _("The payee must be the creditor of the commitment (지방회계법 §33).")


class ClosedPeriod(Conflict):
    code = "closed_period"
    default_message = _("The fiscal year is closed for this kind of cash transaction.")


def check_positive(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("The amount must be a positive whole number of won."), field="amount")
    if amount > 10**15:
        raise InvalidInput(_("The amount is too large."), field="amount")


_COMPANY_MARKS = re.compile(r"\(주\)|㈜|주식회사|\(유\)|유한회사|\(재\)|재단법인|\(사\)|사단법인|\s+")


def normalize_name(name: str) -> str:
    """Names compared as people read them: company marks and spaces do not make another creditor."""
    return _COMPANY_MARKS.sub("", name or "").lower()


def check_payee(creditor: str, payee: str, assignees: tuple[str, ...] = ()) -> None:
    """R-EX-4: a payment order goes to the creditor of the commitment (or a registered assignee)."""
    wanted = normalize_name(payee)
    if wanted and (wanted == normalize_name(creditor) or wanted in {normalize_name(a) for a in assignees}):
        return
    raise PayeeMismatch(creditor=creditor, payee=payee)


def check_separation(*, committed_by: int, issuer: int, cashiers: set[int], small_office_exception: bool) -> None:
    """R-EX-3 (지방회계법 §36, 시행령 §46): the 재무관 who committed cannot order the payment, and neither may
    handle the cash; an office of three or fewer staff may be exempted by an explicit, audited flag."""
    if small_office_exception:
        return
    if issuer == committed_by:
        raise SeparationOfDuties(
            _("You made this commitment as 재무관, so you cannot also order its payment (지방회계법 §36).")
        )
    if issuer in cashiers or committed_by in cashiers:
        raise SeparationOfDuties(_("A 재무관 or 지출원 of this money may not also be its cashier (지방회계법 §36)."))


def check_payment_date(fiscal_year: int, day: dt.date, exception: fiscal.ClosingException | None = None) -> None:
    """R-FY-1/R-FY-2: cash of FY N moves until 31 Dec N, listed exceptions until 20 Jan N+1."""
    if not fiscal.may_post_cash(fiscal_year, day, exception):
        raise ClosedPeriod(
            _("A payment of fiscal year %(year)s cannot be made on %(day)s.") % {"year": fiscal_year, "day": day},
            fiscal_year=fiscal_year,
            day=day,
        )


def refund_restores_line(fiscal_year: int, received_on: dt.date) -> bool:
    """R-FY-4 (지방회계법 §27): a refund received by the 20 Jan exception deadline restores the expenditure line
    of its year; later it is revenue of the year it arrives in."""
    return received_on <= fiscal.exception_deadline(fiscal_year)


# 지방회계법 시행령 §38: ceilings of one 일상경비 advance per kind of expense (R-EX-5). None: as needed.
IMPREST_CAPS: dict[str, int | None] = {
    "travel": 10_000_000,
    "remote_office": 10_000_000,
    "small_payments": 10_000_000,
    "ships": 10_000_000,
    "outside_jurisdiction": 10_000_000,
    "materials": 10_000_000,
    "works": 20_000_000,
    "manufacturing": 20_000_000,
    "afforestation": 20_000_000,
    "other": None,
}


def check_imprest(kind: str, amount: int) -> None:
    if kind not in IMPREST_CAPS:
        raise InvalidInput(_("Unknown kind of imprest."), field="kind")
    cap = IMPREST_CAPS[kind]
    if cap is not None and amount > cap:
        raise ExecutionRuleViolation(
            _("An imprest advance for this kind of expense may be at most %(cap)s won (지방회계법 시행령 §38).")
            % {"cap": f"{cap:,}"},
            rule="R-EX-5",
        )


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
    """선금 must be paid within 14 days of the claim."""
    return (paid_on - claimed_on).days > 14


# 편성목 that 전용 may neither leave nor enter (지방재정법 §49, 시행령 §55): 인건비, 시설비및부대비, 상환금.
NO_VIREMENT_ITEMS = frozenset({"101", "401", "601"})
# …and that it may not enter: 업무추진비.
NO_VIREMENT_INTO = frozenset({"203"})
# Between principal and interest of debt service 전용 is allowed.
DEBT_SERVICE = frozenset({"311", "601"})


def check_virement(*, from_object: str, to_object: str, same_policy: bool, on: dt.date, fiscal_year: int) -> None:
    """R-BP-4: 전용 stays inside one 정책사업, never touches 인건비 / 시설비및부대비 / 상환금 (except between
    principal and interest), never goes into 업무추진비, and never after the fiscal year ends."""
    if not same_policy:
        raise ExecutionRuleViolation(_("Moving money between programmes is 이용, not 전용."), rule="R-BP-4")
    source, target = from_object[:3], to_object[:3]
    if {source, target} <= DEBT_SERVICE and source != target:
        pass
    elif source in NO_VIREMENT_ITEMS or target in NO_VIREMENT_ITEMS:
        raise ExecutionRuleViolation(
            _("전용 into or out of personnel costs, facilities or debt repayment is not allowed (지방재정법 §49)."),
            rule="R-BP-4",
        )
    if target in NO_VIREMENT_INTO:
        raise ExecutionRuleViolation(_("전용 into 업무추진비 is not allowed (지방재정법 §49)."), rule="R-BP-4")
    if on > dt.date(fiscal_year, 12, 31):
        raise ExecutionRuleViolation(_("전용 is not allowed after the fiscal year has ended."), rule="R-BP-4")


def check_transfer_between_programmes(*, from_allowed: bool, to_allowed: bool) -> None:
    """R-BP-5 (지방재정법 §47의2): 이용 only where the budget's general provisions granted it for both programmes."""
    if not (from_allowed and to_allowed):
        raise ExecutionRuleViolation(
            _("The budget does not allow 이용 between these programmes (지방재정법 §47의2)."), rule="R-BP-5"
        )


def refund_interest(principal: int, annual_rate: Fraction, paid_on: dt.date, refunded_on: dt.date) -> int:
    """환급가산금 (지방회계법 §28, 시행령 §31): principal × rate × days from the day after payment to the refund
    date / 365, truncated to the won."""
    days = (refunded_on - paid_on).days
    if days <= 0:
        return 0
    return int(Fraction(principal) * annual_rate * days / 365)


PRESCRIPTION_YEARS = 5


def is_prescribed(due_on: dt.date, last_interruption: dt.date | None, today: dt.date) -> bool:
    """R-RV-5 (지방재정법 §82): a claim untouched for five years since its due date (or the last 납입고지/독촉,
    which interrupts prescription) is extinguished."""
    start = max(due_on, last_interruption) if last_interruption else due_on
    try:
        end = start.replace(year=start.year + PRESCRIPTION_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + PRESCRIPTION_YEARS, day=28)
    return today > end


def expense_ledger(object_code: str, year: int | None = None) -> str:
    """The ledger account a payment of this 통계목 is debited to: the 자동분개 mapping kept as data by the
    accounting service (accounting/data/mapping.csv, docs/accounting.md)."""
    from lofin.accounting import chart

    return chart.expense_rule(object_code, year).debit
