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
