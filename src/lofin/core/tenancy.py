"""Tenant-scoped access. Every read of tenant-owned rows goes through these helpers.

`access_government` returns the government only to its members; everyone else gets the same NotFound as
for a code that does not exist, so the existence of private data never leaks. `for_tenant` narrows a
queryset to one government and refuses querysets of models that are not tenant-owned.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from lofin.core.errors import NotFound, UnknownGovernment
from lofin.core.models import LocalGovernment
from lofin.core.permissions import Permission, Person, require, roles_by_government

M = TypeVar("M", bound=Model)


def government_by_code(code: str) -> LocalGovernment:
    """Shared (public) lookup: the registry of governments is open data."""
    try:
        return LocalGovernment.objects.select_related("parent").get(code=str(code).strip())
    except LocalGovernment.DoesNotExist:
        raise UnknownGovernment(code=code) from None


def member_governments(user: Person) -> QuerySet[LocalGovernment]:
    ids = [gid for gid in roles_by_government(user) if gid is not None]
    return LocalGovernment.objects.filter(pk__in=ids).order_by("code")


def access_government(user: Person, code: str, perm: Permission | None = None) -> LocalGovernment:
    try:
        government = LocalGovernment.objects.get(code=str(code).strip())
    except LocalGovernment.DoesNotExist:
        raise NotFound() from None
    if perm is not None:
        require(user, perm, government)
    elif government.pk not in roles_by_government(user):
        raise NotFound()
    return government


def for_tenant(queryset: QuerySet[M], government: LocalGovernment) -> QuerySet[M]:
    model = queryset.model
    field_names = {f.name for f in model._meta.get_fields()}
    if "government" not in field_names:
        raise TypeError(f"{model._meta.label} is not tenant-owned (no government field)")
    return queryset.filter(government=government)


def get_for_tenant(queryset: QuerySet[M], government: LocalGovernment, **lookup: Any) -> M:
    try:
        return for_tenant(queryset, government).get(**lookup)
    except queryset.model.DoesNotExist:  # type: ignore[attr-defined]
        raise NotFound() from None
