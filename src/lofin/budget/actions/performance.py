"""The 성과계획서 of the budget bill and its results: the department sets the performance targets (성과지표) of its
정책·단위사업 while the budget is being formulated, and records the achieved values once the year has ended (the
성과보고서 of the 결산 is generated from them)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import User

from .. import hooks
from ..errors import ResultsBeforeYearEnd, ResultsFinal, VersionLocked, WrongStage
from ..models import BudgetVersion, IndicatorDirection, PerformanceTarget, Project, ProjectLevel, VersionStatus
from ..rules import performance as rules
from .common import require_department

FORMULATION = (VersionStatus.REQUESTING, VersionStatus.ADJUSTING)


def _check_formulation(project: Project) -> None:
    """Targets go into the bill: they are set while the year's 본예산 is requested or adjusted (or not yet opened);
    once the bill is with the head or the council they are what the council reads."""
    original = BudgetVersion.objects.filter(government_id=project.government_id, year=project.year, number=0).first()
    if original is None or original.status in FORMULATION:
        return
    if original.locked:
        raise VersionLocked()
    raise WrongStage(_("The budget bill has gone to the head or the council: its performance plan is fixed."))


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), field=field)
    if len(text) > limit:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def do_set_performance_target(
    project: Project,
    *,
    indicator: str,
    unit: str,
    target_value: object,
    method: str,
    actor: User,
    baseline_value: object = "",
    direction: str = IndicatorDirection.INCREASE,
) -> PerformanceTarget:
    """Set (or rewrite) a performance target of a 정책사업 or 단위사업 (지방재정법 §5, §44의2): by its department (or the
    budget office), while the budget is formulated. The same indicator named again rewrites its target."""
    require_department(actor, project.government, project.department)
    if project.level == ProjectLevel.DETAIL:
        raise InvalidInput(_("Performance targets belong to a policy programme or a unit project."), field="project")
    indicator = _text(indicator, "indicator", 120)
    unit = _text(unit, "unit", 20)
    method = _text(method, "method", 300)
    if direction not in IndicatorDirection.values:
        raise InvalidInput(_("Unknown direction of the indicator."), field="direction")
    target = rules.parse_value(target_value, "target_value")
    rules.check_target(target, direction)
    baseline = "" if baseline_value in ("", None) else rules.parse_value(baseline_value, "baseline_value")
    values = {"unit": unit, "target_value": target, "baseline_value": baseline, "method": method}
    with transaction.atomic():
        locked = Project.objects.select_for_update().filter(pk=project.pk).first()
        if locked is None:
            raise NotFound()
        _check_formulation(project)
        target_row, created = PerformanceTarget.objects.update_or_create(
            project=project,
            indicator=indicator,
            defaults={**values, "direction": direction, "government_id": project.government_id},
        )
        audit.record(
            actor,
            "budget.performance_target.set",
            target_row,
            government=project.government,
            data={"project": project.code, "indicator": indicator, "direction": direction, "new": created, **values},
        )
    return target_row


def do_record_performance_result(
    target: PerformanceTarget, *, achieved_value: object, actor: User, reason: str = ""
) -> PerformanceTarget:
    """Record the achieved value of a target once its fiscal year has ended, with the reason when it falls short;
    recorded again, it is corrected (until the 결산 goes to the council, the 성과보고서 follows)."""
    project = target.project
    require_department(actor, project.government, project.department)
    if not rules.year_ended(project.year, clock.today()):
        raise ResultsBeforeYearEnd(year=project.year)
    value = rules.parse_value(achieved_value, "achieved_value")
    reason = _text(reason, "reason", 500, required=False)
    rules.check_result(target.target_value, value, target.direction, reason)
    if rules.achieved(target.target_value, value, target.direction):
        reason = ""
    with transaction.atomic():
        if hooks.results_final(project.government_id, project.year):
            raise ResultsFinal()
        updated = PerformanceTarget.objects.filter(pk=target.pk).update(
            achieved_value=value, shortfall_reason=reason, result_recorded_at=clock.now()
        )
        if not updated:
            raise Conflict(_("The target no longer exists."))
        target.refresh_from_db()
        audit.record(
            actor,
            "budget.performance_target.result",
            target,
            government=project.government,
            data={"project": project.code, "indicator": target.indicator, "achieved": value, "reason": reason},
        )
    return target
