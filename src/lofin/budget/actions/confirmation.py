"""확정: the voted budget becomes the appropriation every later service executes against."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum

from lofin.core import audit, clock
from lofin.core.models import User
from lofin.core.permissions import require

from .. import hooks
from ..access import MANAGE
from ..models import BudgetVersion, VersionStatus
from ..queries import confirmation as queries
from ..rules import confirmation as rules
from .common import expect, lock_version


def check_version(version: BudgetVersion) -> None:
    """The rules every bill and every confirmed budget must satisfy (rules.confirmation.check_version), on the
    figures of this version."""
    rules.check_version(
        queries.account_figures(version),
        blocked=queries.blocked_projects(version),
        subsidised=queries.subsidised_projects(version),
    )


def do_confirm(version: BudgetVersion, *, actor: User) -> BudgetVersion:
    """확정: the voted budget becomes the appropriation every later service executes against. What they do with it
    (execution syncs its appropriations, budget.hooks) runs in this transaction."""
    require(actor, MANAGE, version.government)
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.VOTED)
        check_version(version)
        total = version.expenditure_lines.aggregate(s=Sum("amount"))["s"] or 0
        BudgetVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.CONFIRMED, confirmed_at=clock.now(), total_amount=total
        )
        version.refresh_from_db()
        audit.record(actor, "budget.version.confirm", version, data={"total": total})
        hooks.version_confirmed(version, actor=actor)
    return version
