"""Every typed refusal of the books (mapped to HTTP once, by the API handler and ErrorMiddleware). `chart` and
`journal` import the ones they raise, so `chart.UnknownLedger` and `journal.PeriodClosed` are these classes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, InvalidInput


class UnknownLedger(InvalidInput):
    code = "unknown_ledger"
    default_message = _("There is no such ledger account in the chart.")


class SummaryLedger(InvalidInput):
    code = "summary_ledger"
    default_message = _("A summary account groups others and takes no postings: choose one of its accounts.")


class UnmappedCode(InvalidInput):
    code = "unmapped_code"
    default_message = _("No ledger account is mapped to this budget code (자동분개 mapping).")


class UnbalancedEntry(InvalidInput):
    code = "unbalanced_entry"
    default_message = _("The entry does not balance: debits and credits differ.")


class PeriodClosed(Conflict):
    code = "period_closed"
    default_message = _(
        "The books of this fiscal year are closed: post the correction as a dated entry in the open year."
    )


class OtherGovernment(InvalidInput):
    code = "other_government"
    default_message = _("The account (회계) belongs to another government: an entry stays within one government.")
