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


# Whether the results of a government's year are final, asked by the action that records them. The closing registers
# one: once the 결산서 is with the council, the 성과보고서 it carries (generated from these results) no longer changes.
ResultsFinal = Callable[[int, int], bool]

RESULTS_FINAL: list[ResultsFinal] = []


def on_results_final(check: ResultsFinal) -> ResultsFinal:
    """Register `check(government_id, year) -> bool`; registering the same check twice keeps one."""
    if check not in RESULTS_FINAL:
        RESULTS_FINAL.append(check)
    return check


def results_final(government_id: int, year: int) -> bool:
    return any(check(government_id, year) for check in list(RESULTS_FINAL))
