"""The writers of a participatory budgeting cycle: its set-up with phases and districts, moving its phase dates,
advancing it phase by phase (entering the vote puts every shortlisted proposal on the ballot), and closing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require
from lofin.core.types import checked_year

from ..access import MANAGE
from ..models import BallotKind, Cycle, CycleStatus, District, Phase, PhaseKind, Proposal, ProposalStatus, Rule
from ..queries import cycles as queries
from ..rules import cycles as rules
from ..rules.cycles import DistrictIn
from .proposals import move_proposal

__all__ = [
    "DistrictIn",
    "do_advance_phase",
    "do_create_cycle",
    "do_finish_cycle",
    "do_set_phase_dates",
]


def do_create_cycle(
    government: LocalGovernment,
    *,
    year: int,
    title: str,
    total_amount: int,
    actor: User,
    ballot_kind: str = BallotKind.APPROVAL,
    rule: str = Rule.GREEDY,
    satisfaction: str = "",
    max_choices: int | None = None,
    min_choices: int = 1,
    max_points: int | None = None,
    allow_residents: bool = True,
    allow_workers: bool = True,
    allow_students: bool = True,
    min_age: int = 14,
    description: str = "",
    phases: Mapping[str, tuple[dt.date, dt.date]] | None = None,
    districts: Sequence[DistrictIn] = (),
) -> Cycle:
    require(actor, MANAGE, government)
    title = rules.check_title(title)
    checked_year(year)
    rules.check_amount(total_amount, "total_amount")
    rules.check_ballot_method(ballot_kind, max_choices=max_choices, max_points=max_points, min_choices=min_choices)
    rules.check_counting(rule, satisfaction)
    rules.check_voters(residents=allow_residents, workers=allow_workers, students=allow_students, min_age=min_age)
    phases = dict(phases or {})
    rules.check_phase_kinds(phases)
    rules.check_phase_dates(phases)
    rules.check_districts(districts, total_amount)
    with transaction.atomic():
        if Cycle.objects.filter(government=government, year=year, title=title).exists():
            raise Conflict(_("A cycle with this title exists already for this year."), field="title")
        cycle = Cycle.objects.create(
            government=government,
            year=year,
            title=title,
            description=(description or "").strip(),
            total_amount=total_amount,
            ballot_kind=ballot_kind,
            rule=rule,
            satisfaction=satisfaction,
            max_choices=max_choices,
            min_choices=min_choices,
            max_points=max_points,
            allow_residents=allow_residents,
            allow_workers=allow_workers,
            allow_students=allow_students,
            min_age=min_age,
            created_by=actor,
        )
        Phase.objects.bulk_create(
            [Phase(government=government, cycle=cycle, kind=k, starts_on=s, ends_on=e) for k, (s, e) in phases.items()]
        )
        District.objects.bulk_create(
            [
                District(
                    government=government,
                    cycle=cycle,
                    kind=d.kind,
                    code=d.code.strip(),
                    name=d.name.strip(),
                    amount=d.amount,
                )
                for d in districts
            ]
        )
        audit.record(
            actor,
            "participation.cycle.create",
            cycle,
            data={"year": year, "title": title, "total": total_amount, "ballot": ballot_kind, "rule": rule},
        )
    return cycle


def do_set_phase_dates(cycle: Cycle, *, phases: Mapping[str, tuple[dt.date, dt.date]], actor: User) -> Cycle:
    require(actor, MANAGE, cycle.government)
    rules.check_phase_kinds(phases)
    with transaction.atomic():
        cycle = queries.locked(cycle.pk)
        rules.check_phase_dates({**queries.phase_dates(cycle), **phases})
        for kind, (start, end) in phases.items():
            Phase.objects.update_or_create(
                cycle=cycle, kind=kind, defaults={"government": cycle.government, "starts_on": start, "ends_on": end}
            )
        audit.record(actor, "participation.cycle.phases", cycle, data={k: [s, e] for k, (s, e) in phases.items()})
    return cycle


def do_advance_phase(cycle: Cycle, *, actor: User, to: str | None = None) -> Cycle:
    """Move the cycle to its next phase (or to `to`, which must be the next one). Entering the vote puts every
    shortlisted proposal on the ballot."""
    require(actor, MANAGE, cycle.government)
    with transaction.atomic():
        cycle = queries.locked(cycle.pk)
        target = rules.check_next_phase(cycle.phase, to, finished=cycle.status == CycleStatus.FINISHED)
        if target == PhaseKind.VOTING:
            shortlisted = list(
                Proposal.objects.filter(cycle=cycle, status=ProposalStatus.SHORTLISTED).select_for_update()
            )
            rules.check_ballot_filled(len(shortlisted))
            for proposal in shortlisted:
                move_proposal(proposal, ProposalStatus.ON_BALLOT, "", actor, record=False)
        previous = cycle.phase
        Cycle.objects.filter(pk=cycle.pk).update(phase=target, status=CycleStatus.OPEN)
        cycle.phase, cycle.status = target, CycleStatus.OPEN
        audit.record(actor, "participation.cycle.advance", cycle, data={"from": previous, "to": target})
    return cycle


def do_finish_cycle(cycle: Cycle, *, actor: User) -> Cycle:
    require(actor, MANAGE, cycle.government)
    with transaction.atomic():
        cycle = queries.locked(cycle.pk)
        rules.check_finish(cycle.phase)
        Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.FINISHED)
        cycle.status = CycleStatus.FINISHED
        audit.record(actor, "participation.cycle.finish", cycle)
    return cycle
