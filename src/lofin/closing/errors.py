"""Every typed refusal of the closing (결산), mapped to HTTP once (API handler, ErrorMiddleware). A run asked for
before the year's end is execution's `year_not_ended` (lofin.execution), the one code for it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict


class ClosedWithoutRun(Conflict):
    code = "closed_without_closing"
    default_message = _("The books of this year were locked without a closing run: the statements cannot be made.")


class NotClosed(Conflict):
    code = "not_closed"
    default_message = _("Close the books of the year before submitting the 결산 to the council.")


class StatementsUnbalanced(Conflict):
    code = "statements_unbalanced"
    default_message = _("The statements do not balance: the books hold an entry that breaks the accounting identity.")


class CashWorkOpen(Conflict):
    """R-AC-5: the books of FY N stay open while a posting of FY N is still allowed."""

    code = "cash_work_open"
    default_message = _(
        "The books of a year are locked only after its cash work is complete: payments, receipts and refunds of the"
        " year are allowed until the 출납사무 완결기한 (지방회계법 §7)."
    )


class AlreadyClosed(Conflict):
    code = "already_closed"
    default_message = _("The books of this year are already closed (결산).")


class ClosingPending(Conflict):
    code = "closing_pending"
    default_message = _("A closing or reopening of this year is already waiting on its approval line.")


class AlreadySubmitted(Conflict):
    code = "settlement_submitted"
    default_message = _(
        "The 결산서 of this year is with the council: the closing can no longer be reversed (지방자치법 §150)."
    )


class LinesOverspent(Conflict):
    """R-AC-4: 지출액 + 이월액 ≤ 예산현액 on every expenditure line, so that 불용액 ≥ 0."""

    code = "lines_overspent"
    default_message = _(
        "On some expenditure lines the payments and carry-overs exceed the 예산현액, so the 불용액 would be negative:"
        " correct them before closing (지방재정법 §47, 지방회계법 §15)."
    )


class PackageIncomplete(Conflict):
    """R-AC-6: the 결산서 goes to the council only complete."""

    code = "settlement_incomplete"
    default_message = _(
        "The 결산서 is incomplete: it needs the 결산개요, 세입세출결산, financial statements with notes, 성과보고서,"
        " the CPA review opinion, the 검사위원 opinion and the attachments (지방회계법 §15–§17, 지방자치법 §150)."
    )
