"""Pure rules of moving appropriation between lines — 전용, 이용, 이체 and 예비비 사용 — and who decides them, each with
its legal source (domain reference §5). No ORM here: the actions pass the facts of the two lines.

Who decides (위임전결): each kind of transfer is its own document kind, because the approval rule is chosen by
document kind and amount only, and the kinds are decided at different levels. The national defaults below are loaded
by migration 0004 and replaced by each government's own rules in the operations console:

- 전용 (virement inside one 정책사업): up to 50,000,000 won the bureau head (국장), above it the deputy head
  (부단체장). 지방재정법 §49 gives 전용 to the head of the government, who delegates it by the local
  위임전결규정; these bands follow the usual delegation of the national defaults ("*").
- 이용 (between 정책사업), 이체 (on reorganisation) and 예비비 사용: the head of the government (단체장), at any
  amount. 이용 and 이체 (지방재정법 §47의2) and the use of the contingency reserve (§43) are the head's own
  decisions, reported to the council, and are not usually delegated.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput
from lofin.core.roles import Position

from ..errors import TransferNotAllowed
from ..models import TransferKind

SUBJECT_TYPE = "execution.transfer"
# One document kind per kind of transfer, so that each has its own 위임전결 rule.
DOC_KINDS = {kind: f"{SUBJECT_TYPE}.{kind}" for kind in TransferKind.values}

# (document kind, up to amount in won or None for any amount, position that decides)
DEFAULT_POLICIES: list[tuple[str, int | None, int]] = [
    (DOC_KINDS[TransferKind.VIREMENT], 50_000_000, Position.BUREAU_HEAD),
    (DOC_KINDS[TransferKind.VIREMENT], None, Position.DEPUTY_HEAD),
    (DOC_KINDS[TransferKind.BETWEEN_PROGRAMMES], None, Position.HEAD),
    (DOC_KINDS[TransferKind.REORGANISATION], None, Position.HEAD),
    (DOC_KINDS[TransferKind.RESERVE], None, Position.HEAD),
]

# 편성목 that 전용 may neither leave nor enter (지방재정법 §49, 시행령 §55): 인건비, 시설비및부대비, 상환금.
NO_VIREMENT_ITEMS = frozenset({"101", "401", "601"})
# …and that it may not enter: 업무추진비.
NO_VIREMENT_INTO = frozenset({"203"})
# Between principal and interest of debt service 전용 is allowed.
DEBT_SERVICE = frozenset({"311", "601"})

# 예비비 lines (일반예비비, 목적예비비): the only source of 예비비 사용, and never moved by 전용·이용·이체.
RESERVE_OBJECTS = frozenset({"801-01", "801-02"})
RESERVE_ITEM = "801"
# 예비비 may not fund 업무추진비 or 보조금 except for an urgent disaster (지방재정법 시행령 §48, 2017 text).
RESERVE_FORBIDDEN_TARGETS = frozenset({"203", "307", "402"})


@dataclass(frozen=True)
class LineFacts:
    """What the rules need to know of a budget line: its 통계목, 회계, fiscal year and 정책사업 (with the 이용
    authority the budget's general provisions granted it)."""

    object_code: str
    account_id: int
    year: int
    policy_id: int
    policy_transfer_allowed: bool


def check_virement(*, from_object: str, to_object: str, same_policy: bool, on: dt.date, fiscal_year: int) -> None:
    """R-BP-4 (지방재정법 §49): 전용 stays inside one 정책사업, never touches 인건비 / 시설비및부대비 / 상환금 (except
    between principal and interest), never goes into 업무추진비, and never after the fiscal year ends."""
    if not same_policy:
        raise TransferNotAllowed(_("Moving money between programmes is 이용, not 전용."), rule="R-BP-4")
    source, target = from_object[:3], to_object[:3]
    if {source, target} <= DEBT_SERVICE and source != target:
        pass
    elif source in NO_VIREMENT_ITEMS or target in NO_VIREMENT_ITEMS:
        raise TransferNotAllowed(
            _("전용 into or out of personnel costs, facilities or debt repayment is not allowed (지방재정법 §49)."),
            rule="R-BP-4",
        )
    if target in NO_VIREMENT_INTO:
        raise TransferNotAllowed(_("전용 into 업무추진비 is not allowed (지방재정법 §49)."), rule="R-BP-4")
    if on > dt.date(fiscal_year, 12, 31):
        raise TransferNotAllowed(_("전용 is not allowed after the fiscal year has ended."), rule="R-BP-4")


def check_transfer_between_programmes(*, same_policy: bool, from_allowed: bool, to_allowed: bool) -> None:
    """R-BP-5 (지방재정법 §47의2): 이용 moves money between two 정책사업, and only where the budget's general
    provisions granted it for both."""
    if same_policy:
        raise TransferNotAllowed(
            _("Both lines are in the same programme (정책사업): that is 전용, not 이용."), rule="R-BP-5"
        )
    if not (from_allowed and to_allowed):
        raise TransferNotAllowed(
            _("The budget does not allow 이용 between these programmes (지방재정법 §47의2)."), rule="R-BP-5"
        )


def check_reserve_use(*, from_object: str, to_object: str, urgent_disaster: bool) -> None:
    """예비비 사용 (지방재정법 §43, 시행령 §48): drawn on a contingency reserve line, into a line that is not itself a
    reserve, and never for 업무추진비 or 보조금 except for an urgent disaster."""
    if from_object not in RESERVE_OBJECTS:
        raise TransferNotAllowed(
            _("예비비 사용 draws on a contingency reserve line (801-01 or 801-02)."), rule="LFA §43"
        )
    target_item = to_object[:3]
    if target_item == RESERVE_ITEM:
        raise TransferNotAllowed(_("The contingency reserve cannot be moved into another reserve."), rule="LFA §43")
    if target_item in RESERVE_FORBIDDEN_TARGETS and not urgent_disaster:
        raise TransferNotAllowed(
            _("The contingency reserve may not fund 업무추진비 or subsidies (보조금), except for an urgent disaster."),
            rule="LFA §43",
        )


def check_reserve_untouched(*, from_object: str, to_object: str) -> None:
    """지방재정법 §43: the contingency reserve is spent only by 예비비 사용 — 전용, 이용 and 이체 never move it."""
    if RESERVE_ITEM in (from_object[:3], to_object[:3]):
        raise TransferNotAllowed(
            _("Money moves into or out of the contingency reserve only by 예비비 사용."), rule="LFA §43"
        )


def check_same_account(kind: str, *, from_account: int, to_account: int) -> None:
    """지방재정법 §47의2: only 이체 (on a reorganisation of the government's organisation) may cross accounts (회계)."""
    if kind != TransferKind.REORGANISATION and from_account != to_account:
        raise TransferNotAllowed(
            _("Both lines must be in the same account (회계); only 이체 may cross accounts."), rule="LFA §47의2"
        )


def check_within_year(fiscal_year: int, on: dt.date) -> None:
    """지방재정법 §7 (R-FY-1): every kind of transfer changes the appropriation of its own fiscal year only, within
    that year."""
    if not dt.date(fiscal_year, 1, 1) <= on <= dt.date(fiscal_year, 12, 31):
        raise TransferNotAllowed(
            _("Appropriations of %(year)s can only be moved during %(year)s.") % {"year": fiscal_year}, rule="R-FY-1"
        )


def check_transfer(
    kind: str, source: LineFacts, target: LineFacts, *, on: dt.date, urgent_disaster: bool = False
) -> None:
    """All the rules of one kind of transfer between two lines, in the order a person would read them: the kind's
    own law (R-BP-4, R-BP-5, the reserve's §43), then the account (§47의2), then the fiscal year (R-FY-1)."""
    same_policy = source.policy_id == target.policy_id
    if kind == TransferKind.VIREMENT:
        check_virement(
            from_object=source.object_code,
            to_object=target.object_code,
            same_policy=same_policy,
            on=on,
            fiscal_year=source.year,
        )
    elif kind == TransferKind.BETWEEN_PROGRAMMES:
        check_transfer_between_programmes(
            same_policy=same_policy,
            from_allowed=source.policy_transfer_allowed,
            to_allowed=target.policy_transfer_allowed,
        )
    if kind == TransferKind.RESERVE:
        check_reserve_use(from_object=source.object_code, to_object=target.object_code, urgent_disaster=urgent_disaster)
    else:
        check_reserve_untouched(from_object=source.object_code, to_object=target.object_code)
    check_same_account(kind, from_account=source.account_id, to_account=target.account_id)
    check_within_year(source.year, on)


def check_decision_in_year(fiscal_year: int, today: dt.date) -> None:
    """지방재정법 §7 (R-FY-1): approved after its fiscal year has ended, a move would change a closed year; the
    approver returns it instead, and its amount goes back to the source line."""
    if today > dt.date(fiscal_year, 12, 31):
        raise TransferNotAllowed(
            _("The fiscal year %(year)s has ended: return this request; its amount goes back to the source line.")
            % {"year": fiscal_year},
            rule="R-FY-1",
        )


def check_quarter(quarter: int) -> None:
    if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        raise InvalidInput(_("The quarter must be 1, 2, 3 or 4."), field="quarter")


def report_due(year: int, quarter: int) -> dt.date:
    """지방재정법 §49 (and §43 for the reserve): the head reports the 전용 and 예비비 사용 of each quarter to the council
    by the last day of the month after the quarter: 30 Apr, 31 Jul, 31 Oct, 31 Jan of the next year."""
    check_quarter(quarter)
    month = quarter * 3 + 1
    if month > 12:
        year, month = year + 1, month - 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])
