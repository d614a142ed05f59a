"""Load the 243 local governments and their earlier versions from the CSV files shipped in core/data.

Runs from a data migration (so the registry exists from the first start) and again, idempotently, from
`ensure_loaded()` (tests that flush the database, `lofin demo load`).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from lofin.core.models import AuditChain, GovernmentVersion, LocalGovernment

DATA_DIR = Path(__file__).resolve().parent / "data"
GOVERNMENTS_CSV = DATA_DIR / "local_governments.csv"
HISTORY_CSV = DATA_DIR / "government_history.csv"
ESTABLISHED_CSV = DATA_DIR / "government_established.csv"

EXPECTED_TOTAL = 243


def read_governments() -> list[dict[str, str]]:
    with GOVERNMENTS_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_history() -> list[dict[str, str]]:
    with HISTORY_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_established() -> dict[str, dt.date]:
    with ESTABLISHED_CSV.open(encoding="utf-8", newline="") as f:
        return {r["code"]: dt.date.fromisoformat(r["established_on"]) for r in csv.DictReader(f)}


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def load(government_model: Any = None, version_model: Any = None, chain_model: Any = None) -> int:
    """Insert or update every government; returns how many rows were created. Models may be historical."""
    if government_model is None:
        government_model, version_model, chain_model = LocalGovernment, GovernmentVersion, AuditChain
    rows = read_governments()
    established = read_established()
    created = 0
    with transaction.atomic():
        existing = {g.code: g for g in government_model.objects.all()}
        # Parents first: every 광역 row has no parent_code, so sorting on it puts them before 기초 rows.
        for row in sorted(rows, key=lambda r: (r["parent_code"] != "", r["code"])):
            values = {
                "name": row["name"],
                "short_name": row["short_name"],
                "sido": row["sido"],
                "level": row["level"],
                "kind": row["kind"],
                "legal_dong_code": row["legal_dong_code"],
                "self_reliance_pct": Decimal(row["self_reliance_pct"]) if row["self_reliance_pct"] else None,
                "parent": existing.get(row["parent_code"]) if row["parent_code"] else None,
                "established_on": established.get(row["code"]),
            }
            gov = existing.get(row["code"])
            if gov is None:
                gov = government_model.objects.create(code=row["code"], **values)
                existing[gov.code] = gov
                created += 1
            elif any(getattr(gov, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(gov, k, v)
                gov.save()
        for row in read_history():
            version_model.objects.update_or_create(
                government=existing[row["code"]],
                valid_to=_date(row["valid_to"]),
                defaults={
                    "valid_from": _date(row["valid_from"]),
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "sido": row["sido"],
                    "level": row["level"],
                    "kind": row["kind"],
                    "parent_code": row["parent_code"],
                    "legal_dong_code": row["legal_dong_code"],
                },
            )
        if chain_model is not None:
            keys = [*existing.keys(), "system"]
            have = set(chain_model.objects.filter(key__in=keys).values_list("key", flat=True))
            chain_model.objects.bulk_create([chain_model(key=k) for k in keys if k not in have])
    return created


def ensure_loaded() -> None:
    if LocalGovernment.objects.count() < EXPECTED_TOTAL:
        load()
