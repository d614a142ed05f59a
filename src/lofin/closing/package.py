"""The 결산서 package of a year (R-AC-6; 지방회계법 §15–§17, 지방자치법 §150①): what the closing run made (결산개요,
세입세출결산, 재무제표 with 주석) and what the officials recorded (성과보고서, the CPA review, the 검사위원 opinion and
the 지방회계법 §17 attachments), and what is still missing before it may go to the council."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from lofin.budget.models import Project
from lofin.core.models import LocalGovernment

from . import performance, rules
from .models import ATTACHMENTS, ClosingDocument, ClosingRun, DocumentKind

PART_LABELS = {
    "overview": _("settlement overview (결산개요)"),
    "budget_result": _("revenue and expenditure settlement (세입세출결산)"),
    "statements": _("financial statements with notes (재무제표·주석)"),
    "performance_report": _("performance report (성과보고서)"),
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
    # The 성과보고서 only: generated from the targets (not a recorded document), and the projects still without results.
    generated: bool = False
    unreported: tuple[str, ...] = ()


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
    found.append(performance_part(government, year, latest))
    for key in ("cpa_review", "inspectors_opinion"):
        found.append(Part(key, PART_LABELS[key], key in latest, latest.get(key)))
    found.append(Part("attachments", PART_LABELS["attachments"], all(p.present for p in attachments(government, year))))
    return found


def performance_part(government: LocalGovernment, year: int, latest: dict[str, ClosingDocument]) -> Part:
    """The 성과보고서: generated from the year's performance targets, complete when each has its result. A year
    without any target in Lofin (its 성과계획서 made outside, e.g. before the government's budget moved here) has
    nothing to generate from: there the document recorded by the officials stands for it."""
    key = "performance_report"
    found = performance.report(government, year)
    if found["has_targets"]:
        return Part(key, PART_LABELS[key], found["complete"], generated=True, unreported=tuple(found["unreported"]))
    return Part(key, PART_LABELS[key], key in latest, latest.get(key))


def missing(government: LocalGovernment, year: int, run: ClosingRun | None) -> list[tuple[str, Any]]:
    """R-AC-6: (key, label) of each missing part, and of each §17 attachment not recorded."""
    found = parts(government, year, run)
    unreported = next(p.unreported for p in found if p.key == "performance_report")
    absent = rules.missing_parts({p.key for p in found if p.present}, unreported)
    names = dict(
        Project.objects.filter(government=government, year=year, code__in=unreported).values_list("code", "name")
    )
    labels = {p.key: p.label for p in found}
    out: list[tuple[str, Any]] = []
    for key in absent:
        if key.startswith("performance_report:"):
            code = key.split(":", 1)[1]
            label = _("no performance result for %(code)s %(name)s") % {"code": code, "name": names.get(code, "")}
            out.append((key, label))
        elif key != "attachments":
            out.append((key, labels[key]))
    if "attachments" in absent:
        out += [(p.key, p.label) for p in attachments(government, year) if not p.present]
    return out
