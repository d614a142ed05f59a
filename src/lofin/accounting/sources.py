"""From a journal entry's (source_type, source_id) to the business document it came from: a label and the page
where it is seen (general-ledger drill-down, 총계정원장 → 원인 문서).

The books sit beneath the services that post to them, so they do not know those services' documents: each service
registers a describer for its source types (execution in `lofin.execution.ledger_sources`, from its AppConfig).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import ManualEntry

# (source id, government code) → (kind of document, label, URL of its page or "")
Describer = Callable[[int, str], tuple[str, str, str]]


@dataclass(frozen=True)
class Source:
    source_type: str
    source_id: int
    kind: str
    label: str
    url: str


DESCRIBERS: dict[str, Describer] = {}


def register(source_type: str, describer: Describer) -> Describer:
    DESCRIBERS[source_type] = describer
    return describer


def page_url(name: str, gov_code: str, **kwargs: Any) -> str:
    """The address of a document's page in the government workspace, or "" where there is none."""
    try:
        return reverse(name, kwargs={"gov_code": gov_code, **kwargs})
    except NoReverseMatch:
        return ""


def resolve(source_type: str, source_id: int, gov_code: str) -> Source:
    describer = DESCRIBERS.get(source_type)
    if describer is None:
        return Source(source_type, source_id, source_type, f"#{source_id}", "")
    kind, label, url = describer(source_id, gov_code)
    return Source(source_type, source_id, str(kind), label, url)


def _manual(pk: int, gov: str) -> tuple[str, str, str]:
    m = ManualEntry.objects.filter(pk=pk).values("description", "approval_id").first()
    return _("adjusting entry (결산정리분개)"), (m["description"] if m else f"#{pk}"), ""


def _depreciation(pk: int, gov: str) -> tuple[str, str, str]:
    return _("depreciation (감가상각)"), f"#{pk}", ""


register("accounting.manual", _manual)
register("accounting.depreciation", _depreciation)
