"""Everything the closing run freezes, as one canonical JSON document and its sha256 digest."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lofin.budget.models import Account
from lofin.core.models import LocalGovernment

from . import balances, budget_result, notes, statements


def compute(government: LocalGovernment, year: int) -> dict[str, Any]:
    """The statements of every entity and consolidated, the 세입세출결산 and the notes, from the books as they are
    (the closing entries left out, so computing before and after the closing gives the same document)."""
    cats = balances.categories()
    opening = balances.opening_balances(government.pk, year, cats)
    movement = balances.year_balances(government.pk, year)
    sets = statements.all_statements(government.pk, year, opening, movement)
    accounts = dict(Account.objects.filter(government=government).values_list("pk", "kind"))
    note_sets = {}
    for key in sets:
        ids = {pk for pk, kind in accounts.items() if key == statements.CONSOLIDATED or kind == key}
        note_sets[key] = notes.notes(government.pk, year, ids, opening, movement)
    return {
        "format": 1,
        "government": {"code": government.code, "name": government.name},
        "year": year,
        "statements": sets,
        "notes": note_sets,
        "budget_result": budget_result.budget_result(government.pk, year),
    }


def canonical(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
