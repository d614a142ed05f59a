"""Writers of appropriations: the confirmed budget as the base of execution, 예산배정 (allocation) and 재배정
(allocation handed to a 분임재무관 office). Each checks role and rules, takes what it needs with one conditional
UPDATE (check-and-set), and writes its audit row in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.budget.models import BudgetVersion, ExpenditureLine, VersionStatus
from lofin.budget.queries import confirmation as budget_queries
from lofin.budget.queries import versions as budget_versions
from lofin.core import audit, clock
from lofin.core.errors import Conflict
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require

from ..access import ALLOCATE
from ..errors import InsufficientAllocation, OverAppropriation
from ..models import Allocation, AllocationKind, BudgetLine, Office, SubAllocation
from ..rules import appropriations as rules
from ..rules.values import check_positive
from .common import lock_line, once_per_form, same_government
from .yearend import next_year_project


def do_sync_appropriations(version: BudgetVersion, *, actor: User) -> int:
    """Make the confirmed version the base of execution: each line's 예산액 becomes the version's amount.
    Called when a version is confirmed (본예산 or 추경); a 추경 cannot cut a line below what is allocated."""
    if version.status != VersionStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed budget is executed."))
    amounts = {
        (project_id, obj): (account_id, amount)
        for project_id, obj, account_id, amount in ExpenditureLine.objects.filter(version=version).values_list(
            "project_id", "object_code", "account_id", "amount"
        )
    }
    with transaction.atomic():
        existing = {
            (line.project_id, line.object_code): line
            for line in BudgetLine.objects.select_for_update().filter(government=version.government, year=version.year)
        }
        creating, updating = [], []
        for key, (account_id, amount) in amounts.items():
            line = existing.get(key)
            if line is None:
                creating.append(
                    BudgetLine(
                        government=version.government,
                        year=version.year,
                        account_id=account_id,
                        project_id=key[0],
                        object_code=key[1],
                        budget_amount=amount,
                        appropriation=amount,
                        budget_version=version.number,
                    )
                )
            elif line.budget_amount != amount or line.budget_version != version.number:
                _rebase(line, amount, version.number)
                updating.append(line)
        for key, line in existing.items():
            if key not in amounts and line.budget_amount:
                _rebase(line, 0, version.number)
                updating.append(line)
        BudgetLine.objects.bulk_create(creating, batch_size=2000)
        if updating:
            BudgetLine.objects.bulk_update(
                updating, ["budget_amount", "appropriation", "budget_version"], batch_size=2000
            )
        audit.record(
            actor,
            "execution.appropriation.sync",
            version,
            data={"year": version.year, "version": version.number, "created": len(creating), "updated": len(updating)},
        )
    return len(creating) + len(updating)


def do_start_provisional(government: LocalGovernment, year: int, *, actor: User) -> int:
    """준예산 (지방자치법 §146, R-BP-11): the fiscal year has begun and the council has not passed its budget, so only
    the lines the law lists run — the upkeep of offices set by law, mandatory spending, approved projects continuing
    — at last year's confirmed level (budget.queries.confirmation.provisional_lines). They become this year's lines
    as a confirmed budget's would; when the budget is confirmed, do_sync_appropriations rebases the same lines on it,
    so what was allocated, committed and paid under 준예산 counts against the confirmed budget (§146: it is deemed
    executed under it). Returns the number of lines."""
    require(actor, ALLOCATE, government)
    with transaction.atomic():
        # FOR NO KEY UPDATE queues two starts without blocking the inserts that refer to the government.
        LocalGovernment.objects.select_for_update(no_key=True).filter(pk=government.pk).first()
        rules.check_provisional_start(
            year,
            on=clock.today(),
            confirmed=budget_versions.latest_confirmed(government, year) is not None,
            running=BudgetLine.objects.filter(government=government, year=year, budget_amount__gt=0).exists(),
        )
        source, items = budget_queries.provisional_lines(government, year)
        existing = {
            (line.project_id, line.object_code): line
            for line in BudgetLine.objects.select_for_update().filter(government=government, year=year)
        }
        for item in items:
            project = next_year_project(item.project, actor=actor)
            line = existing.get((project.pk, item.object_code))
            if line is None:
                BudgetLine.objects.create(
                    government=government,
                    year=year,
                    account_id=project.account_id,
                    project=project,
                    object_code=item.object_code,
                    budget_amount=item.amount,
                    appropriation=item.amount,
                )
            else:
                # A line that already holds a carry-over from last year gets its 준예산 beside it.
                BudgetLine.objects.filter(pk=line.pk).update(
                    budget_amount=item.amount, appropriation=F("appropriation") + item.amount
                )
        total = sum(item.amount for item in items)
        audit.record(
            actor,
            "execution.provisional.start",
            government=government,
            object_type="execution.year",
            object_id=year,
            data={
                "year": year,
                "from_version": source.pk if source else None,
                "lines": len(items),
                "total": total,
            },
        )
    return len(items)


def _rebase(line: BudgetLine, amount: int, number: int) -> None:
    appropriation = rules.appropriation(
        budget=amount, transfers=line.transfer_amount, reserve=line.reserve_amount, carried_in=line.carried_in
    )
    rules.check_rebase(appropriation, line.allocated, line=line.pk)
    line.budget_amount, line.appropriation, line.budget_version = amount, appropriation, number


def do_allocate(
    line: BudgetLine, *, amount: int, actor: User, kind: str = AllocationKind.MONTHLY, period: int = 1
) -> Allocation:
    """예산배정: release part of the appropriation for commitment (R-BP-6: Σ 배정 ≤ 예산현액)."""
    check_positive(amount)
    government = LocalGovernment.objects.get(pk=line.government_id)
    require(actor, ALLOCATE, government)
    rules.check_allocation_period(kind, period)
    with transaction.atomic():
        taken = BudgetLine.objects.filter(pk=line.pk, allocated__lte=F("appropriation") - amount).update(
            allocated=F("allocated") + amount
        )
        if taken != 1:
            line.refresh_from_db()
            raise OverAppropriation(
                line=line.pk, appropriation=line.appropriation, allocated=line.allocated, amount=amount
            )
        allocation = Allocation.objects.create(
            line=line, government_id=line.government_id, kind=kind, period=period, amount=amount, created_by=actor
        )
        audit.record(
            actor,
            "execution.allocate",
            allocation,
            government=government,
            data={"line": line.pk, "amount": amount, "kind": kind, "period": period},
        )
    return allocation


def do_allocate_from_form(
    line: BudgetLine, *, amount: int, kind: str, period: int, actor: User, form_key: str
) -> Allocation:
    """예산배정 submitted from a screen: at most once per form rendering."""
    return once_per_form(
        line.government_id,
        actor=actor,
        form_key=form_key,
        kind="allocate",
        values={"line": line.pk, "amount": amount, "kind": kind, "period": period},
        lock=lambda: lock_line(line.pk),
        call=lambda: do_allocate(line, amount=amount, kind=kind, period=period, actor=actor),
        load=lambda pk: Allocation.objects.get(pk=pk),
    )


def do_sub_allocate(line: BudgetLine, *, office: Office, amount: int, actor: User) -> SubAllocation:
    """재배정: hand part of the allocation to a 분임재무관 office (R-BP-6: Σ 재배정 ≤ 배정)."""
    check_positive(amount)
    same_government(line.government_id, office)
    government = LocalGovernment.objects.get(pk=line.government_id)
    require(actor, ALLOCATE, government)
    rules.check_sub_allocation_office(office.kind)
    with transaction.atomic():
        # The main office keeps what it has committed: only the uncommitted allocation can be handed on.
        taken = BudgetLine.objects.filter(
            pk=line.pk,
            sub_allocated__lte=F("allocated") - amount,
            committed__lte=F("allocated") - amount - F("sub_allocated") + F("sub_committed"),
        ).update(sub_allocated=F("sub_allocated") + amount)
        if taken != 1:
            raise InsufficientAllocation(line=line.pk, amount=amount)
        sub, _created = SubAllocation.objects.get_or_create(line=line, office=office)
        SubAllocation.objects.filter(pk=sub.pk).update(amount=F("amount") + amount)
        sub.refresh_from_db()
        audit.record(actor, "execution.sub_allocate", sub, government=government, data={"amount": amount})
    return sub


def do_sub_allocate_from_form(
    line: BudgetLine, *, office: Office, amount: int, actor: User, form_key: str
) -> SubAllocation:
    """재배정 submitted from a screen: at most once per form rendering."""
    return once_per_form(
        line.government_id,
        actor=actor,
        form_key=form_key,
        kind="sub_allocate",
        values={"line": line.pk, "office": office.pk, "amount": amount},
        lock=lambda: lock_line(line.pk),
        call=lambda: do_sub_allocate(line, office=office, amount=amount, actor=actor),
        load=lambda pk: SubAllocation.objects.get(pk=pk),
    )
