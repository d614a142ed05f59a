"""What other services do when a budget version is confirmed, without budget importing them.

Execution registers `on_version_confirmed(do_sync_appropriations)` in its AppConfig.ready(): the confirmed budget
becomes the appropriation it executes against. The callbacks run inside the confirmation's transaction, so the
confirmation and what follows from it commit together or not at all (as approval callbacks do,
`core.approvals.registry`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lofin.core.models import User

    from .models import BudgetVersion

VersionCallback = Callable[..., Any]

CONFIRMED_CALLBACKS: list[VersionCallback] = []


def on_version_confirmed(callback: VersionCallback) -> VersionCallback:
    """Register `callback(version, *, actor)`; registering the same callback twice keeps one."""
    if callback not in CONFIRMED_CALLBACKS:
        CONFIRMED_CALLBACKS.append(callback)
    return callback


def version_confirmed(version: BudgetVersion, *, actor: User) -> None:
    """Run every registered callback, in registration order, inside the caller's transaction."""
    for callback in list(CONFIRMED_CALLBACKS):
        callback(version, actor=actor)
