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

from lofin.budget import codes
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

# What each 통계목 is — 인건비, 시설비및부대비, 상환금, 차입금이자상환, 업무추진비, 보조금 — is the code list's to say
# (budget/data/objects.csv, column `category`), asked through `codes.is_object`, never by a code prefix here.
# 전용 may neither leave nor enter 인건비, 시설비및부대비 and 상환금 (지방재정법 §49, 시행령 §55)…
NO_VIREMENT = (codes.PERSONNEL, codes.FACILITIES, codes.DEBT_PRINCIPAL)
# …except between principal and interest of debt service.
DEBT_SERVICE = frozenset({codes.DEBT_PRINCIPAL, codes.DEBT_INTEREST})
# 예비비 may not fund 업무추진비 or 보조금 except for an urgent disaster (지방재정법 시행령 §48, 2017 text).
NO_RESERVE_FOR = (codes.BUSINESS_PROMOTION, codes.SUBSIDY)

# 예비비 lines (일반예비비, 목적예비비): the only source of 예비비 사용, and never moved by 전용·이용·이체.
RESERVE_OBJECTS = frozenset({"801-01", "801-02"})
RESERVE_ITEM = "801"


@dataclass(frozen=True)
class LineFacts:
    """What the rules need to know of a budget line: its 통계목, 회계, fiscal year and 정책사업 (with the 이용
    authority the budget's general provisions granted it); whether the confirmed budget gives it an amount and
    whether the council cut it (R-BP-9, §43③); its 세부사업 and the organisation that runs it (이체)."""

    object_code: str
    account_id: int
    year: int
    policy_id: int
    policy_transfer_allowed: bool
    budgeted: bool = True
    council_cut: bool = False
    project_name: str = ""
    department_id: int | None = None


def _is_any(code: str, categories: tuple[str, ...]) -> bool:
    return any(codes.is_object(code, category) for category in categories)


def check_virement(*, from_object: str, to_object: str, same_policy: bool, on: dt.date, fiscal_year: int) -> None:
    """R-BP-4 (지방재정법 §49): 전용 stays inside one 정책사업, never touches 인건비 / 시설비및부대비 / 상환금 (except
    between principal and interest), never goes into 업무추진비, and never after the fiscal year ends."""
    if not same_policy:
        raise TransferNotAllowed(_("Moving money between programmes is 이용, not 전용."), rule="R-BP-4")
    principal_and_interest = {codes.object_category(from_object), codes.object_category(to_object)} == DEBT_SERVICE
    if not principal_and_interest and (_is_any(from_object, NO_VIREMENT) or _is_any(to_object, NO_VIREMENT)):
        raise TransferNotAllowed(
            _("전용 into or out of personnel costs, facilities or debt repayment is not allowed (지방재정법 §49)."),
            rule="R-BP-4",
        )
    if codes.is_object(to_object, codes.BUSINESS_PROMOTION):
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


def check_reserve_use(
    *, from_object: str, to_object: str, urgent_disaster: bool, target_council_cut: bool = False
) -> None:
    """예비비 사용 (지방재정법 §43, 시행령 §48): drawn on a contingency reserve line, into a line that is not itself a
    reserve, never for an item the council cut (§43③, R-BP-3: not even in a disaster, since the council decided
    against it), and never for 업무추진비 or 보조금 except for an urgent disaster."""
    if from_object not in RESERVE_OBJECTS:
        raise TransferNotAllowed(
            _("예비비 사용 draws on a contingency reserve line (801-01 or 801-02)."), rule="LFA §43"
        )
    target_item = to_object[:3]
    if target_item == RESERVE_ITEM:
        raise TransferNotAllowed(_("The contingency reserve cannot be moved into another reserve."), rule="LFA §43")
    if target_council_cut:
        raise TransferNotAllowed(
            _("The contingency reserve cannot fund an item the council cut (지방재정법 §43③)."), rule="R-BP-3"
        )
    if _is_any(to_object, NO_RESERVE_FOR) and not urgent_disaster:
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


def check_same_account(*, from_account: int, to_account: int) -> None:
    """지방재정법 §47의2: 전용, 이용 and 예비비 사용 move appropriation inside one account (회계); money between
    accounts moves only as a budgeted 전출금/전입금 (이체 is refused between accounts by R-BP-9)."""
    if from_account != to_account:
        raise TransferNotAllowed(_("Both lines must be in the same account (회계)."), rule="LFA §47의2")


def check_target_budgeted(*, budgeted: bool, council_cut: bool) -> None:
    """R-BP-9 (지방재정법 §49②): 전용 and 이용 cannot create or feed a line the budget does not have — a 세부사업/목
    with no amount in the confirmed budget, whatever earlier moves or carry-overs put on it — nor one the
    council cut, which would undo the council's decision."""
    if not budgeted:
        raise TransferNotAllowed(
            _("전용 and 이용 cannot feed a line the budget does not have (지방재정법 §49②)."), rule="R-BP-9"
        )
    if council_cut:
        raise TransferNotAllowed(
            _("The council cut this line: 전용 and 이용 cannot feed it (지방재정법 §49②)."), rule="R-BP-9"
        )


def check_legal_basis(legal_basis: str) -> str:
    """R-BP-9 (지방재정법 §47의2②): 이체 follows a law or ordinance that moves duties between organisations; the
    request names it (e.g. the 행정기구 설치 조례 amendment), and the council report shows it."""
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise TransferNotAllowed(
            _("이체 needs the law or ordinance that moves the duties between organisations (지방재정법 §47의2②)."),
            rule="R-BP-9",
            field="legal_basis",
        )
    return legal_basis


def check_reorganisation(source: LineFacts, target: LineFacts, *, legal_basis: str) -> None:
    """R-BP-9 (지방재정법 §47의2②): 이체 moves the same 사업 — the same 세부사업 and 목 — from the organisation that
    ran it to the one a law or ordinance gave its duties, inside one account (회계), and changes nothing else: the
    amount leaving one line is the amount reaching the other, so the 사업's total stays as the council voted it."""
    check_legal_basis(legal_basis)
    if source.account_id != target.account_id:
        raise TransferNotAllowed(
            _("이체 cannot move money between accounts (회계) (지방재정법 §47의2②)."), rule="R-BP-9"
        )
    same_project = " ".join(source.project_name.split()) == " ".join(target.project_name.split())
    moves_organisation = (
        source.department_id is not None
        and target.department_id is not None
        and source.department_id != target.department_id
    )
    if not (same_project and source.object_code == target.object_code and moves_organisation):
        raise TransferNotAllowed(
            _(
                "이체 moves the same project (사업) and object (목) from one organisation to another "
                "(지방재정법 §47의2②)."
            ),
            rule="R-BP-9",
        )


def check_within_year(fiscal_year: int, on: dt.date) -> None:
    """지방재정법 §7 (R-FY-1): every kind of transfer changes the appropriation of its own fiscal year only, within
    that year."""
    if not dt.date(fiscal_year, 1, 1) <= on <= dt.date(fiscal_year, 12, 31):
        raise TransferNotAllowed(
            _("Appropriations of %(year)s can only be moved during %(year)s.") % {"year": fiscal_year}, rule="R-FY-1"
        )


def check_transfer(
    kind: str,
    source: LineFacts,
    target: LineFacts,
    *,
    on: dt.date,
    urgent_disaster: bool = False,
    legal_basis: str = "",
) -> None:
    """All the rules of one kind of transfer between two lines, in the order a person would read them: the kind's
    own law (R-BP-4, R-BP-5, the reserve's §43 and R-BP-3, 이체's R-BP-9), what the target may receive (R-BP-9),
    then the account (§47의2), then the fiscal year (R-FY-1)."""
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
        check_reserve_use(
            from_object=source.object_code,
            to_object=target.object_code,
            urgent_disaster=urgent_disaster,
            target_council_cut=target.council_cut,
        )
    else:
        check_reserve_untouched(from_object=source.object_code, to_object=target.object_code)
    if kind == TransferKind.REORGANISATION:
        check_reorganisation(source, target, legal_basis=legal_basis)
    if kind in (TransferKind.VIREMENT, TransferKind.BETWEEN_PROGRAMMES):
        check_target_budgeted(budgeted=target.budgeted, council_cut=target.council_cut)
    check_same_account(from_account=source.account_id, to_account=target.account_id)
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
    """지방재정법 §49, §47의2② (and §43 for the reserve): the head reports the 전용·이용·이체 and 예비비 사용 of each
    quarter to the council by the last day of the month after the quarter: 30 Apr, 31 Jul, 31 Oct, 31 Jan of the
    next year."""
    check_quarter(quarter)
    month = quarter * 3 + 1
    if month > 12:
        year, month = year + 1, month - 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])
