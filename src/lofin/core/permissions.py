"""Named permission predicates. A permission is a set of roles that may perform it in a government.

`require(actor, PERM, government)` answers the question the same way everywhere:
- not a member of that government at all → NotFound (404), exactly as if the object did not exist;
- a member without a suitable role → PermissionDenied (403).
The platform operator role is global and is checked with `is_operator`; operators administer users and
memberships but do not read a government's private records through the services.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from lofin.core.errors import NotAuthenticated, NotFound, PermissionDenied
from lofin.core.models import LocalGovernment, Membership, User
from lofin.core.roles import OFFICIAL_ROLES, Role

_CACHE_ATTR = "_lofin_roles"

# Whoever is asking: a person, an anonymous visitor (request.user), or nobody.
Person = User | AnonymousUser | None


@dataclass(frozen=True)
class Permission:
    name: str
    roles: frozenset[str]
    label: Any

    def __str__(self) -> str:
        return self.name


REGISTRY: dict[str, Permission] = {}


def define(name: str, roles: set[str] | frozenset[str], label: Any) -> Permission:
    if name in REGISTRY:
        raise ValueError(f"permission {name} defined twice")
    perm = Permission(name, frozenset(roles), label)
    REGISTRY[name] = perm
    return perm


def roles_by_government(user: Person) -> dict[int | None, set[str]]:
    """{government_id (None for global roles): {role, ...}} for the user's current memberships, cached."""
    if not isinstance(user, User):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = defaultdict(set)
        for gov_id, role in Membership.objects.current().filter(user=user).values_list("government_id", "role"):
            cached[gov_id].add(role)
        cached = dict(cached)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Person) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_in(user: Person, government: LocalGovernment | None) -> set[str]:
    key = government.pk if government is not None else None
    return roles_by_government(user).get(key, set())


def is_operator(user: Person) -> bool:
    return Role.OPERATOR in roles_in(user, None)


def has_permission(user: Person, perm: Permission, government: LocalGovernment) -> bool:
    return bool(roles_in(user, government) & perm.roles)


def require(user: Person, perm: Permission, government: LocalGovernment) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    held = roles_in(user, government)
    if not held:
        raise NotFound()
    if not held & perm.roles:
        raise PermissionDenied(
            _("Your role does not allow this action: %(action)s.") % {"action": perm.label},
            permission=perm.name,
        )


def require_operator(user: Person) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if not is_operator(user):
        raise PermissionDenied(_("Only a system operator may do this."))


ALL_OFFICIALS = frozenset(OFFICIAL_ROLES)

VIEW_WORKSPACE = define("core.view_workspace", ALL_OFFICIALS, _("open the government's workspace"))
VIEW_AUDIT_TRAIL = define(
    "core.view_audit_trail", {Role.AUDITOR, Role.BUDGET_OFFICER}, _("read the government's audit trail")
)
DRAFT_DOCUMENT = define("core.draft_document", ALL_OFFICIALS, _("draft a document for approval"))
APPOINT_SUBSTITUTE = define("core.appoint_substitute", ALL_OFFICIALS, _("appoint an acting approver"))
