"""Reads of residents' questions and the departments' answers."""

from __future__ import annotations

from django.db.models import QuerySet

from lofin.core.models import LocalGovernment
from lofin.core.tenancy import for_tenant, get_for_tenant

from ..models import Cycle, Question


def questions(government: LocalGovernment, *, cycle: Cycle | None = None) -> QuerySet[Question]:
    qs = for_tenant(Question.objects.select_related("answer", "department", "proposal"), government)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.order_by("-asked_at", "-id")


def question(government: LocalGovernment, question_id: int) -> Question:
    return get_for_tenant(Question.objects.select_related("answer", "department"), government, pk=question_id)
