"""A supplementary budget (추경) against the version it amends."""

from __future__ import annotations

from typing import Any

from ..models import BudgetVersion, ExpenditureLine
from ..rules import supplementary as rules
from .versions import kind_totals


def line_amounts(version: BudgetVersion) -> dict[tuple[str, ...], int]:
    return {
        (acc, proj, obj): amt
        for acc, proj, obj, amt in ExpenditureLine.objects.filter(version=version).values_list(
            "account__code", "project__code", "object_code", "amount"
        )
    }


def version_diff(version: BudgetVersion) -> dict[str, Any]:
    """A supplementary budget against the version it amends: changed lines and totals per account kind."""
    base = version.based_on
    if base is None:
        return {"lines": [], "totals": {}}
    changed = rules.diff(line_amounts(base), line_amounts(version))
    before, after = kind_totals(base), kind_totals(version)
    return {
        "lines": [{"key": "-".join(d.key), "before": d.before, "after": d.after, "change": d.change} for d in changed],
        "totals": {k: {"before": before[k], "after": after[k], "change": after[k] - before[k]} for k in after},
    }
