"""Rules of the budget office's adjustment (조정) of the requests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput


def check_adjustment_reason(*, requested: int, adjusted: int, reason: str) -> str:
    """지방재정법 §36: the head compiles the budget from the departments' requests; where the budget office changes a
    requested amount, the 조정 is recorded with its reason (the 사업설명서 and the council ask for it)."""
    reason = (reason or "").strip()
    if adjusted != requested and not reason:
        raise InvalidInput(_("Say why the requested amount is changed."), field="reason")
    return reason
