"""The 결산서 package of a year (R-AC-6; 지방회계법 §15–§17, 지방자치법 §150①): what the closing run made (결산개요,
세입세출결산, 재무제표 with 주석) and what the officials recorded (성과보고서, the CPA review, the 검사위원 opinion and
the 지방회계법 §17 attachments), and what is still missing before it may go to the council."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from lofin.core.models import LocalGovernment

from . import rules
from .models import ATTACHMENTS, ClosingDocument, ClosingRun, DocumentKind

PART_LABELS = {
    "overview": _("settlement overview (결산개요)"),
    "budget_result": _("revenue and expenditure settlement (세입세출결산)"),
    "statements": _("financial statements with notes (재무제표·주석)"),
    "performance_report": DocumentKind.PERFORMANCE_REPORT.label,
    "cpa_review": DocumentKind.CPA_REVIEW.label,
    "inspectors_opinion": DocumentKind.INSPECTORS_OPINION.label,
    "attachments": _("attachments (지방회계법 §17 부속서류)"),
}


def overview(document: dict[str, Any]) -> dict[str, Any]:
    """결산개요 from the stored snapshot: 세입 and 세출 결산액, 이월, 불용, 결산상 잉여금 and the consolidated position."""
    totals = document["budget_result"]["totals"]
    position = document["statements"]["consolidated"]["position"]
    return {
        "revenue_budget": totals["revenue"]["budget"],
        "revenue_collected": totals["revenue"]["collected"],
        "appropriation": totals["expenditure"]["appropriation"],
        "paid": totals["expenditure"]["paid"],
        "carried": totals["expenditure"]["carried"],
        "lapsed": totals["expenditure"]["lapsed"],
        "surplus": totals["surplus"],
        "assets": position["assets_total"],
        "liabilities": position["liabilities_total"],
        "net_assets": position["net_assets_total"],
    }


@dataclass(frozen=True)
class Part:
    key: str
    label: Any
    present: bool
    document: ClosingDocument | None = None


def latest_documents(government: LocalGovernment, year: int) -> dict[str, ClosingDocument]:
    """The latest record of each kind of document of the year."""
    latest: dict[str, ClosingDocument] = {}
    for doc in ClosingDocument.objects.filter(government=government, fiscal_year=year).order_by("recorded_at", "pk"):
        latest[doc.kind] = doc
    return latest


def attachments(government: LocalGovernment, year: int) -> list[Part]:
    """The attachment list of 지방회계법 §17 with what was recorded for each (a document or not applicable)."""
    latest = latest_documents(government, year)
    return [Part(kind.value, kind.label, kind.value in latest, latest.get(kind.value)) for kind in ATTACHMENTS]


def parts(government: LocalGovernment, year: int, run: ClosingRun | None) -> list[Part]:
    latest = latest_documents(government, year)
    made = run is not None and bool(json.loads(run.snapshot).get("statements"))
    found: list[Part] = [Part(key, PART_LABELS[key], made) for key in ("overview", "budget_result", "statements")]
    for key in ("performance_report", "cpa_review", "inspectors_opinion"):
        found.append(Part(key, PART_LABELS[key], key in latest, latest.get(key)))
    found.append(Part("attachments", PART_LABELS["attachments"], all(p.present for p in attachments(government, year))))
    return found


def missing(government: LocalGovernment, year: int, run: ClosingRun | None) -> list[tuple[str, Any]]:
    """R-AC-6: (key, label) of each missing part, and of each §17 attachment not recorded."""
    found = parts(government, year, run)
    absent = set(rules.missing_parts({p.key for p in found if p.present}))
    out: list[tuple[str, Any]] = [(p.key, p.label) for p in found if p.key in absent and p.key != "attachments"]
    if "attachments" in absent:
        out += [(p.key, p.label) for p in attachments(government, year) if not p.present]
    return out
