"""Tenant-scoped reads of 지출결의."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ExpenditureResolution


def resolutions() -> QuerySet[ExpenditureResolution]:
    """Resolutions with what their API shape shows: government, commitment, inspector and resolver."""
    return ExpenditureResolution.objects.select_related("government", "commitment", "inspector", "resolved_by")
