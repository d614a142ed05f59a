"""Load the national code lists (shipped CSV files in budget/data) for fiscal years, idempotently."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

DATA = Path(__file__).resolve().parent / "data"
FILES = {"function": "functions.csv", "object": "objects.csv", "revenue": "revenues.csv"}
FIRST_YEAR = 2023
# Budgets are formulated a year ahead: in November 2026 the 2027 budget is being prepared.
LAST_SHIPPED_YEAR = 2027


def read(kind: str) -> list[dict[str, str]]:
    with (DATA / FILES[kind]).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# What the law says about a 통계목 (column `category` of objects.csv, sources in data/README.md): the one place that
# tells whether an object is 인건비, 시설비및부대비, 상환금 (principal), 차입금이자상환 (interest), 업무추진비 or a
# 보조금. The rules of 전용 and 예비비 (지방재정법 §43, §49; 시행령 §48, §55) read it instead of code prefixes.
PERSONNEL = "personnel"
FACILITIES = "facilities"
DEBT_PRINCIPAL = "debt_principal"
DEBT_INTEREST = "debt_interest"
BUSINESS_PROMOTION = "business_promotion"
SUBSIDY = "subsidy"
CATEGORIES = frozenset({PERSONNEL, FACILITIES, DEBT_PRINCIPAL, DEBT_INTEREST, BUSINESS_PROMOTION, SUBSIDY})


@cache
def _object_categories() -> dict[str, str]:
    return {row["code"]: row["category"] for row in read("object")}


def object_category(code: str) -> str:
    """The category of a 통계목 (or 편성목) in the shipped code list, "" when it has none. A 통계목 the list does not
    name (budgets use some whose names were not found, e.g. 601-05) takes the category of its 편성목, which only
    carries one when every 통계목 under it shares it (203 업무추진비, 601 상환금 …)."""
    categories = _object_categories()
    if code in categories:
        return categories[code]
    return categories.get(code.split("-", 1)[0], "")


def is_object(code: str, category: str) -> bool:
    """Whether the object `code` is of `category` (one of CATEGORIES): the one way to ask it."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown object category {category!r}")
    return object_category(code) == category


def load(years: range | list[int] | None = None, model: Any = None) -> int:
    """Insert the code lists for each year that lacks them; returns the rows created."""
    if model is None:
        # The app's own models (migrations pass their historical ones instead).
        from lofin.budget.models import NationalCode as model  # noqa: PLC0415
    years = list(years or range(FIRST_YEAR, LAST_SHIPPED_YEAR + 1))
    created = 0
    with transaction.atomic():
        for kind in FILES:
            rows = read(kind)
            for year in years:
                if model.objects.filter(kind=kind, year=year).exists():
                    continue
                model.objects.bulk_create(
                    [
                        model(
                            kind=kind,
                            year=year,
                            code=r["code"],
                            name=r["name"],
                            level=r["level"],
                            parent_code=r.get("parent_code", "") or "",
                            name_en=r.get("name_en", "") or "",
                        )
                        for r in rows
                    ]
                )
                created += len(rows)
    return created


# The bill is the head's own act (지방자치법 §142); a department's request is decided by its division head.
POLICIES = (("budget.bill", 6), ("budget.request", 3))


def load_policies(policy_model: Any = None) -> None:
    if policy_model is None:
        # The app's own models (migrations pass their historical ones instead).
        from lofin.core.models import ApprovalPolicy as policy_model  # noqa: PLC0415
    for doc_kind, position in POLICIES:
        policy_model.objects.get_or_create(
            government=None, doc_kind=doc_kind, max_amount=None, defaults={"final_position": position}
        )
