"""Builders of participatory-budgeting cycles for tests and the browser suite, through the real actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from lofin.core import clock, testing
from lofin.core.models import Department, LocalGovernment, User
from lofin.core.roles import AccountType, Role

from .actions import cycles, proposals, residents, review
from .models import BallotKind, Cycle, PhaseKind, Proposal, Resident, Rule, VerificationMethod
from .rules.residents import census_rows

PHASES = list(PhaseKind.values)
SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class Person:
    name: str
    birth_date: dt.date
    sex: str
    basis: str = "resident"
    area: str = "역삼1동"


# On the resident list: three adults of the three kinds, a 13-year-old and someone who votes on paper only.
PEOPLE = [
    Person("김민준", dt.date(1980, 3, 2), "1"),
    Person("이서연", dt.date(1991, 7, 15), "2"),
    Person("박지호", dt.date(1975, 11, 30), "1", "worker", "테헤란로 회사"),
    Person("최하은", clock.today().replace(month=1, day=1) - dt.timedelta(days=13 * 365), "4", "student"),
    Person("정도윤", dt.date(1964, 5, 5), "1"),
]
STRANGER = Person("한지민", dt.date(1988, 8, 8), "2")  # verified, but on no list


def phase_dates(today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """Dates around `today` that put the vote in progress."""
    d = dt.timedelta
    return {
        PhaseKind.PROPOSAL: (today - d(120), today - d(90)),
        PhaseKind.DEPARTMENT_REVIEW: (today - d(89), today - d(40)),
        PhaseKind.COMMITTEE_REVIEW: (today - d(39), today - d(11)),
        PhaseKind.VOTING: (today - d(10), today + d(10)),
        PhaseKind.BUDGET_ADOPTION: (today + d(11), today + d(60)),
        PhaseKind.IMPLEMENTATION: (today + d(61), today + d(400)),
    }


@dataclass
class PB:
    gov: LocalGovernment
    department: Department
    manager: User  # 예산담당: runs the cycle
    reviewer: User  # 공무원 of the responsible department
    clerk: User  # enters paper ballots
    cycle: Cycle
    today: dt.date
    users: dict[str, User] = field(default_factory=dict)  # by person name; those with an account
    residents: dict[str, Resident] = field(default_factory=dict)
    proposals: list[Proposal] = field(default_factory=list)

    def advance(self, to: str) -> Cycle:
        while self.cycle.phase != to:
            self.cycle = cycles.do_advance_phase(self.cycle, actor=self.manager)
        return self.cycle


def verify(gov: LocalGovernment, person: Person, username: str) -> tuple[User, Resident]:
    user = testing.person(gov, AccountType.RESIDENT, username=username, display_name=person.name)
    resident = residents.do_verify_resident(
        gov,
        user=user,
        identity=residents.VerifiedIdentity(person.name, person.birth_date, person.sex, ci=f"CI-{username}"),
        method=VerificationMethod.PHONE,
        actor=user,
    )
    return user, resident


def build_pb(
    code: str = "1133000",
    *,
    phase: str = PhaseKind.VOTING,
    ballot_kind: str = BallotKind.APPROVAL,
    rule: str = Rule.GREEDY,
    total: int = 100_000_000,
    costs: tuple[int, ...] = (30_000_000, 40_000_000, 20_000_000, 50_000_000),
    prefix: str = "",
    **cycle_fields: Any,
) -> PB:
    """A 구 with a resident list, four verified residents, one cycle and proposals moved up to `phase`: every
    proposal is found feasible and shortlisted (the last one rejected when there are more than three)."""
    gov = testing.government(code)
    today = clock.today()
    dept = testing.department(gov, "5100", "도시디자인과")
    manager = testing.official(gov, Role.BUDGET_OFFICER, username=f"{prefix}pb-manager", dept=dept)
    reviewer = testing.official(gov, Role.OFFICIAL, username=f"{prefix}pb-reviewer", dept=dept)
    clerk = testing.official(gov, Role.OFFICIAL, username=f"{prefix}pb-clerk", dept=dept)
    residents.do_upload_census(
        gov,
        name="2026 주민명부",
        data=census_rows((p.name, p.birth_date, p.sex, p.basis, p.area) for p in PEOPLE),
        actor=manager,
    )
    users, verified = {}, {}
    for i, person in enumerate([*PEOPLE[:4], STRANGER]):
        users[person.name], verified[person.name] = verify(gov, person, f"{prefix}resident{i + 1}")
    cycle = cycles.do_create_cycle(
        gov,
        year=today.year + 1,
        title=f"{today.year + 1} 주민참여예산 {prefix}".strip(),
        total_amount=total,
        ballot_kind=ballot_kind,
        rule=rule,
        phases=phase_dates(today),
        actor=manager,
        **cycle_fields,
    )
    pb = PB(gov, dept, manager, reviewer, clerk, cycle, today, users, verified)
    stop = PHASES.index(phase)
    pb.advance(PhaseKind.PROPOSAL)
    proposers = list(users.values())
    # time-machine is a test dependency, and the demo imports this module (for phase_dates) where it is not.
    import time_machine  # noqa: PLC0415

    # The proposals were made in the proposal phase, 100 days ago (the clock goes back for them, and on again).
    with time_machine.travel(dt.datetime.combine(today - dt.timedelta(days=100), dt.time(12), tzinfo=SEOUL)):
        for n, cost in enumerate(costs, start=1):
            pb.proposals.append(
                proposals.do_submit_proposal(
                    pb.cycle,
                    title=f"제안 {n}",
                    description=f"{n}번째 사업 설명",
                    cost=cost,
                    location="역삼동",
                    actor=proposers[(n - 1) % 3],
                )
            )
    if stop == 0:
        return pb
    for p in pb.proposals:
        review.do_start_review(p, department=dept, actor=manager)
    pb.advance(PhaseKind.DEPARTMENT_REVIEW)
    for p in pb.proposals:
        review.do_review_proposal(p, feasible=True, reason="사업 가능", actor=reviewer)
    if stop == 1:
        return pb
    pb.advance(PhaseKind.COMMITTEE_REVIEW)
    if stop == 2:
        return pb
    for i, p in enumerate(pb.proposals):
        review.do_score_proposal(
            p, scores={"necessity": 20, "feasibility": 20, "benefit": 20, "cost": 10}, actor=manager
        )
        rejected = len(pb.proposals) > 3 and i == len(pb.proposals) - 1
        review.do_shortlist(p, shortlisted=not rejected, reason="유사 사업 진행 중" if rejected else "", actor=manager)
    pb.advance(phase)
    for p in pb.proposals:
        p.refresh_from_db()
    return pb
