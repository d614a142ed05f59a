"""제n회 추가경정예산 (지방재정법 §45): a new version of the year, starting from the last confirmed one."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require

from ..access import MANAGE
from ..errors import WrongStage
from ..models import BudgetVersion, VersionKind, VersionStatus


def copy_lines(source: BudgetVersion, target: BudgetVersion) -> None:
    """A supplementary budget starts as a copy of the version it amends; amounts become the 기정액."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO budget_expenditureline
                (version_id, government_id, account_id, project_id, object_code, previous_amount,
                 requested_amount, proposed_amount, amount, state_amount, province_amount,
                 adjust_reason, amend_reason, added_by_council, explicit_carry_amount)
            SELECT %s, government_id, account_id, project_id, object_code, amount,
                   amount, NULL, amount, state_amount, province_amount, '', '', %s, explicit_carry_amount
            FROM budget_expenditureline WHERE version_id = %s
            """,
            [target.pk, False, source.pk],
        )
        cursor.execute(
            """
            INSERT INTO budget_calcbasis (line_id, seq, description, unit_price, quantity, times, amount)
            SELECT nl.id, b.seq, b.description, b.unit_price, b.quantity, b.times, b.amount
            FROM budget_calcbasis b
            JOIN budget_expenditureline ol ON ol.id = b.line_id
            JOIN budget_expenditureline nl
              ON nl.version_id = %s AND nl.project_id = ol.project_id AND nl.object_code = ol.object_code
            WHERE ol.version_id = %s
            """,
            [target.pk, source.pk],
        )
        cursor.execute(
            """
            INSERT INTO budget_revenueline
                (version_id, government_id, account_id, department_id, revenue_code, previous_amount,
                 requested_amount, proposed_amount, amount, basis_text, adjust_reason, amend_reason)
            SELECT %s, government_id, account_id, department_id, revenue_code, amount,
                   amount, NULL, amount, basis_text, '', ''
            FROM budget_revenueline WHERE version_id = %s
            """,
            [target.pk, source.pk],
        )


def do_open_supplementary(government: LocalGovernment, *, year: int, actor: User) -> BudgetVersion:
    """제n회 추가경정예산: a new version of the year, starting from the last confirmed one."""
    require(actor, MANAGE, government)
    with transaction.atomic():
        versions = list(
            BudgetVersion.objects.select_for_update().filter(government=government, year=year).order_by("number")
        )
        if not versions:
            raise WrongStage(_("There is no budget of %(year)s to amend yet.") % {"year": year})
        last = versions[-1]
        if last.status != VersionStatus.CONFIRMED:
            raise WrongStage(_("Finish the budget being prepared before opening another supplementary budget."))
        version = BudgetVersion.objects.create(
            government=government, year=year, number=last.number + 1, kind=VersionKind.SUPPLEMENTARY, based_on=last
        )
        copy_lines(last, version)
        audit.record(
            actor, "budget.version.open", version, data={"year": year, "number": version.number, "based_on": last.pk}
        )
    return version
