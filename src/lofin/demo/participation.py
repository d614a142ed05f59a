"""Demo 주민참여예산 (issue 6): every government of the size gets a resident list, last year's cycle (2025 공모 for the
2026 budget: finished, counted by its rule, selected projects adopted into 2026 세부사업 and, where those are being
spent, in execution) and this year's (2026 공모 for the 2027 budget) in its voting phase, with proposals at every
stage, department reviews, committee scores and ballots from all three channels.

Sizes: the number of ballots grows with the square root of the government's 2023 budget (the four featured
governments in every size and all of `large` get the full count: 서울특별시 about 3,400, ×8 in `large`; the rest of
`small` a third of it, so a 군 has about 90); the resident list holds about 2.5 people per 2025 ballot, so turnout looks
like a real 주민투표's. Deterministic: each government draws from its own ctx.rng. Voters are resident-list entries
(the turnout roll carries the entry and the identity hash; the ballots, written apart with random ids in a random
order, only the choices and the person's seal, as the app writes them); the demo resident accounts of the people loader are
verified and on the list, and have not voted in 2026, so they can try the vote.

Speed: resident lists, the roll, ballots and choices go in through the budget demo's BulkWriter (COPY on PostgreSQL,
executemany on SQLite, ids reserved up front), the rest with bulk_create; one transaction and one audit event per
government; the 2025 count runs through the real tally action (`actions.results.do_compute_result`), so its result, explanations and audit are the app's own.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from lofin.budget.models import Project
from lofin.core import audit, clock, governments
from lofin.core.models import Department, LocalGovernment, Membership, User
from lofin.core.roles import Role
from lofin.demo.budgets.write import BulkWriter
from lofin.demo.people import FEATURED, governments_for, korean_name, slug
from lofin.demo.registry import Context, loader, refresh_statistics
from lofin.execution.models import BudgetLine
from lofin.participation.actions import residents as resident_actions
from lofin.participation.actions import results as result_actions
from lofin.participation.models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotKind,
    CensusEntry,
    CensusList,
    CommitteeScore,
    Cycle,
    CycleStatus,
    DepartmentReview,
    District,
    DistrictKind,
    Follow,
    Phase,
    PhaseKind,
    Proposal,
    ProposalStatus,
    Resident,
    RollEntry,
    StatusEvent,
    VerificationMethod,
)
from lofin.participation.queries import ballots as ballot_queries
from lofin.participation.rules import residents as rules
from lofin.participation.testing import phase_dates

# Ballots per √(budget in 10억 won): the featured governments get the full count in every size.
FACTOR = {"tiny": 15, "small": 5, "large": 120}
FEATURED_FACTOR = 15
MAX_BALLOTS = 90_000
THEMES = [("welfare", "복지·보건"), ("safety", "안전·환경"), ("culture", "문화·교육"), ("transport", "교통·도시")]
IDEAS = {
    "welfare": ["경로당 운동기구 교체", "무더위 쉼터 냉방기 교체", "공공 화장실 비상벨 설치", "장애인 경사로 설치"],
    "safety": ["보행로 LED 보안등 설치", "통학로 안전펜스 설치", "하천 산책로 정비", "공영주차장 CCTV 확충"],
    "culture": ["마을 공유서재 조성", "작은도서관 스마트 대출기 설치", "골목길 벽화 조성", "청소년 동아리방 리모델링"],
    "transport": ["버스정류장 온열의자 설치", "횡단보도 그늘막 설치", "자전거 보관대 설치", "바닥형 보행신호등 설치"],
}
REJECT_REASONS = ["사유지로 사업 불가", "타 사업과 중복", "특정인 수혜 우려", "법령상 시행 불가", "경상적 경비"]
CHANNELS = [(BallotChannel.ONLINE, 80), (BallotChannel.PAPER, 12), (BallotChannel.IN_PERSON, 8)]
D = dt.date
CENSUS_COLUMNS = ("id", "government_id", "census_id", "name", "birth_date", "identity_hash", "basis", "area")
ROLL_COLUMNS = (
    "government_id",
    "cycle_id",
    "voter_key",
    "channel",
    "census_entry_id",
    "basis",
    "entered_by_id",
    "voted_on",
    "is_active",
)
BALLOT_COLUMNS = ("id", "government_id", "cycle_id", "seal")
CHOICE_COLUMNS = ("id", "government_id", "ballot_id", "proposal_id", "points", "rank")


def ballots_for(row: dict[str, str], size: str, cycle_year: int) -> int:
    budget = int(row["budget2023_total"] or 0)
    factor = max(FACTOR[size], FEATURED_FACTOR) if row["code"] in FEATURED else FACTOR[size]
    n = int(math.sqrt(budget / 1e9) * factor)
    n = max(60, min(MAX_BALLOTS, n))
    return n if cycle_year == 2026 else n * 3 // 5  # this year's vote is still open


def _birth(rng: random.Random, voting_day: dt.date) -> tuple[dt.date, str]:
    age = rng.choices(
        [rng.randint(14, 19), rng.randint(20, 39), rng.randint(40, 64), rng.randint(65, 90)], [1, 4, 4, 2]
    )[0]
    birth = D(voting_day.year - age, rng.randint(1, 12), rng.randint(1, 28))
    male = rng.random() < 0.5
    digit = ("1" if male else "2") if birth.year < 2000 else ("3" if male else "4")
    return birth, digit


@dataclass(frozen=True)
class Voter:
    id: int
    birth_date: dt.date
    identity_hash: str
    basis: str


def _census(gov: LocalGovernment, manager: User, rng: random.Random, people: int) -> tuple[CensusList, list[Voter]]:
    key = resident_actions.identity_key()
    census = CensusList.objects.create(
        government=gov,
        name=f"{gov.short_name} 주민참여예산 투표인 명부",
        uploaded_by=manager,
        row_count=people,
        digest="demo",
    )
    writer = BulkWriter()
    ids = writer.reserve_ids(CensusEntry, people)
    rows, voters = [], []
    for entry_id in ids:
        birth, digit = _birth(rng, D(2026, 11, 1))
        basis = rng.choices(["resident", "worker", "student"], [85, 10, 5])[0]
        name = korean_name(rng)
        identity = rules.identity_hash(key, name, birth, digit)
        rows.append(
            (entry_id, gov.pk, census.pk, name, birth, identity, basis, f"{gov.short_name} {rng.randint(1, 12)}동")
        )
        voters.append(Voter(entry_id, birth, identity, basis))
    writer.insert(CensusEntry, CENSUS_COLUMNS, rows)
    return census, voters


def _phases_2025() -> dict[str, tuple[dt.date, dt.date]]:
    return {
        PhaseKind.PROPOSAL: (D(2025, 3, 17), D(2025, 6, 30)),
        PhaseKind.DEPARTMENT_REVIEW: (D(2025, 7, 1), D(2025, 7, 31)),
        PhaseKind.COMMITTEE_REVIEW: (D(2025, 8, 1), D(2025, 8, 31)),
        PhaseKind.VOTING: (D(2025, 9, 1), D(2025, 9, 20)),
        PhaseKind.BUDGET_ADOPTION: (D(2025, 9, 21), D(2025, 12, 31)),
        PhaseKind.IMPLEMENTATION: (D(2026, 1, 1), D(2026, 12, 31)),
    }


def _phases_now() -> dict[str, tuple[dt.date, dt.date]]:
    # Around the day of loading, so the demo's vote is open whenever it is tried.
    return phase_dates(clock.today())


def _cycle(
    gov: LocalGovernment, manager: User, rng: random.Random, year: int, total: int, phases: dict[str, Any]
) -> Cycle:
    kind = rng.choice([BallotKind.K_APPROVAL, BallotKind.K_APPROVAL, BallotKind.KNAPSACK, BallotKind.APPROVAL])
    rule = "mes+greedy" if gov.level == "광역" or rng.random() < 0.25 else "greedy"
    cycle = Cycle.objects.create(
        government=gov,
        year=year,
        title=f"{year}년도 주민참여예산 사업공모",
        description=f"{gov.name}의 {year}년도 예산에 반영할 주민 제안 사업을 공모하고 주민투표로 선정합니다.",
        total_amount=total,
        ballot_kind=kind,
        max_choices=5 if kind == BallotKind.K_APPROVAL else None,
        rule=rule,
        min_age=14,
        created_by=manager,
    )
    Phase.objects.bulk_create(
        [Phase(government=gov, cycle=cycle, kind=k, starts_on=s, ends_on=e) for k, (s, e) in phases.items()]
    )
    District.objects.bulk_create(
        [District(government=gov, cycle=cycle, kind=DistrictKind.THEME, code=c, name=n) for c, n in THEMES]
    )
    return cycle


def _proposals(
    gov: LocalGovernment,
    cycle: Cycle,
    rng: random.Random,
    proposers: list[User],
    reviewer: User,
    dept: Department | None,
) -> list[Proposal]:
    """Proposals at every stage: a quarter found infeasible or rejected by the committee, the rest on the ballot."""
    districts = list(District.objects.filter(cycle=cycle))
    count = rng.randint(14, 22)
    rows, finals = [], []
    for n in range(1, count + 1):
        district = rng.choice(districts)
        idea = rng.choice(IDEAS[district.code])
        cost = rng.randint(10, max(11, cycle.total_amount // 4_000_000)) * 1_000_000
        fate = rng.random()
        status = (
            ProposalStatus.INFEASIBLE
            if fate < 0.15
            else ProposalStatus.REJECTED
            if fate < 0.25
            else ProposalStatus.WITHDRAWN
            if fate < 0.28
            else ProposalStatus.ON_BALLOT
        )
        reason = rng.choice(REJECT_REASONS) if status in (ProposalStatus.INFEASIBLE, ProposalStatus.REJECTED) else ""
        reviewed = cost - rng.randint(0, 3) * 1_000_000 if status != ProposalStatus.WITHDRAWN else None
        rows.append(
            Proposal(
                government=gov,
                cycle=cycle,
                number=n,
                district=district,
                title=f"{gov.short_name} {rng.randint(1, 12)}동 {idea}",
                description=f"주민이 자주 이용하는 장소에 {idea} 사업을 제안합니다. 안전하고 편리한 생활환경을 위해 필요합니다.",
                cost=cost,
                reviewed_cost=reviewed if reviewed and reviewed > 0 else None,
                location=f"{gov.short_name} {rng.randint(1, 12)}동 일대",
                proposer=rng.choice(proposers),
                department=dept,
                status=status,
                status_reason=reason,
                committee_score=rng.randint(55, 95)
                if status in (ProposalStatus.ON_BALLOT, ProposalStatus.REJECTED)
                else None,
            )
        )
        finals.append((status, reason))
    proposals = Proposal.objects.bulk_create(rows)
    events, reviews, scores = [], [], []
    for p, (status, reason) in zip(proposals, finals, strict=True):
        path = [ProposalStatus.SUBMITTED]
        if status == ProposalStatus.WITHDRAWN:
            path.append(ProposalStatus.WITHDRAWN)
        else:
            path += [ProposalStatus.UNDER_REVIEW]
            path += [ProposalStatus.INFEASIBLE] if status == ProposalStatus.INFEASIBLE else [ProposalStatus.FEASIBLE]
            if status == ProposalStatus.REJECTED:
                path.append(ProposalStatus.REJECTED)
            elif status == ProposalStatus.ON_BALLOT:
                path += [ProposalStatus.SHORTLISTED, ProposalStatus.ON_BALLOT]
            reviews.append(
                DepartmentReview(
                    government=gov,
                    proposal=p,
                    department=dept,
                    feasible=status != ProposalStatus.INFEASIBLE,
                    reviewed_cost=p.reviewed_cost,
                    reason=reason if status == ProposalStatus.INFEASIBLE else "현장 확인 결과 사업 가능",
                    reviewer=reviewer,
                )
            )
        if p.committee_score is not None:
            scores.append(
                CommitteeScore(
                    government=gov,
                    proposal=p,
                    member=reviewer,
                    scores={"necessity": 25, "feasibility": 25, "benefit": 20, "cost": 10},
                    total=80,
                    comment="심사 의견 없음",
                )
            )
        for previous, current in zip(["", *path[:-1]], path, strict=True):
            events.append(
                StatusEvent(
                    government=gov,
                    proposal=p,
                    from_status=previous,
                    to_status=current,
                    reason=reason if current == status else "",
                    actor=reviewer if current != ProposalStatus.SUBMITTED else p.proposer,
                )
            )
    DepartmentReview.objects.bulk_create(reviews)
    CommitteeScore.objects.bulk_create(scores)
    StatusEvent.objects.bulk_create(events)
    return [p for p in proposals if p.status == ProposalStatus.ON_BALLOT]


def _ballots(
    gov: LocalGovernment,
    cycle: Cycle,
    rng: random.Random,
    on_ballot: list[Proposal],
    voters: list[Voter],
    clerk: User,
    day: dt.date,
) -> int:
    popularity = [rng.uniform(0.3, 3.0) for _ in on_ballot]
    plans = []
    for voter in voters:
        channel = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0]
        if cycle.ballot_kind == BallotKind.KNAPSACK:
            order = rng.choices(range(len(on_ballot)), popularity, k=len(on_ballot) * 2)
            chosen, spent = [], 0
            for i in dict.fromkeys(order):
                if spent + on_ballot[i].ballot_cost <= cycle.total_amount and rng.random() < 0.6:
                    chosen.append(i)
                    spent += on_ballot[i].ballot_cost
            if not chosen and on_ballot[order[0]].ballot_cost <= cycle.total_amount:
                chosen = [order[0]]
        else:
            k = rng.randint(1, min(cycle.max_choices or 4, len(on_ballot)))
            chosen = list(dict.fromkeys(rng.choices(range(len(on_ballot)), popularity, k=k)))
        if chosen:
            # Some paper and in-person voters had voted online first: that ballot is kept, replaced, never counted.
            replaced = channel != BallotChannel.ONLINE and rng.random() < 0.05
            plans.append((voter, channel, chosen, replaced))
    writer = BulkWriter()
    roll: list[tuple[Any, ...]] = []
    ballots: list[tuple[Any, ...]] = []
    choices: list[tuple[Any, ...]] = []
    for voter, channel, chosen, replaced in plans:
        entered_by = None if channel == BallotChannel.ONLINE else clerk.pk
        common = (gov.pk, cycle.pk, voter.identity_hash)
        if replaced:
            # The replaced online vote stays on the roll, inactive; its ballot is gone (actions.ballots).
            roll.append((*common, BallotChannel.ONLINE, voter.id, voter.basis, None, day, False))
        roll.append((*common, channel, voter.id, voter.basis, entered_by, day, True))
        # Ballots as the app writes them: a random id, the person's seal, nothing else of theirs.
        ballot_id = rng.getrandbits(62) + 1
        ballots.append((ballot_id, gov.pk, cycle.pk, ballot_queries.seal(cycle.pk, voter.identity_hash)))
        choices += [(rng.getrandbits(62) + 1, gov.pk, ballot_id, on_ballot[i].pk, 1, None) for i in chosen]
    # Written in a random order too, so that the tables' own order is not the roll's.
    rng.shuffle(ballots)
    rng.shuffle(choices)
    writer.insert(RollEntry, ROLL_COLUMNS, roll)
    writer.insert(Ballot, BALLOT_COLUMNS, ballots)
    writer.insert(BallotChoice, CHOICE_COLUMNS, choices)
    return len(plans)


def _eligible(entries: list[Voter], day: dt.date) -> list[Voter]:
    return [e for e in entries if rules.age_on(e.birth_date, day) >= 14]


def _adopt(gov: LocalGovernment, cycle: Cycle, manager: User, rng: random.Random) -> None:
    """Selected 2025 projects were folded into 2026 세부사업 of the demo budget; those being spent are in execution."""
    projects = list(Project.objects.filter(government=gov, year=cycle.year, level="detail").order_by("code")[:200])
    executed = set(
        BudgetLine.objects.filter(government=gov, year=cycle.year, committed__gt=0).values_list("project_id", flat=True)
    )
    events = []
    for p in Proposal.objects.filter(cycle=cycle, status=ProposalStatus.SELECTED).order_by("number"):
        project = rng.choice(projects) if projects else None
        status = ProposalStatus.IN_EXECUTION if project and project.pk in executed else ProposalStatus.ADOPTED
        Proposal.objects.filter(pk=p.pk).update(status=status, budget_project=project, adopted_amount=p.ballot_cost)
        events.append(
            StatusEvent(
                government=gov, proposal=p, from_status=p.status, to_status=ProposalStatus.ADOPTED, actor=manager
            )
        )
        if status == ProposalStatus.IN_EXECUTION:
            events.append(
                StatusEvent(
                    government=gov, proposal=p, from_status=ProposalStatus.ADOPTED, to_status=status, actor=manager
                )
            )
    StatusEvent.objects.bulk_create(events)
    Cycle.objects.filter(pk=cycle.pk).update(phase=PhaseKind.IMPLEMENTATION, status=CycleStatus.FINISHED)


def _residents(gov: LocalGovernment, census: CensusList, users: list[User]) -> None:
    """The demo resident accounts: verified by phone, on the list, not yet voted this year."""
    key = resident_actions.identity_key()
    now = clock.now()
    for i, user in enumerate(users):
        birth, digit = D(1980 + i, 5, 10), "1" if i % 2 == 0 else "2"
        name = user.display_name or user.username
        identity = rules.identity_hash(key, name, birth, digit)
        entry = CensusEntry.objects.create(
            government=gov,
            census=census,
            name=name,
            birth_date=birth,
            identity_hash=identity,
            basis="resident",
            area=f"{gov.short_name} 1동",
        )
        Resident.objects.create(
            government=gov,
            user=user,
            method=VerificationMethod.PHONE,
            verified_name=name,
            birth_date=birth,
            identity_hash=identity,
            verified_at=now,
            census_entry=entry,
            basis="resident",
            census_matched_at=now,
        )


def load_government(gov: LocalGovernment, row: dict[str, str], ctx: Context) -> dict[str, int]:
    rng = ctx.rng("participation", gov.code)
    base = slug(gov)
    manager = User.objects.get(username=f"{base}.budget")
    reviewer = User.objects.filter(username=f"{base}.budget-lead").first() or manager
    clerk = reviewer
    dept = Department.objects.filter(government=gov, code="1100").first()
    resident_ids = Membership.objects.filter(government=gov, role=Role.RESIDENT, user__is_demo=True).values_list(
        "user_id", flat=True
    )
    residents = list(User.objects.filter(pk__in=resident_ids).order_by("username"))
    proposers = residents or [manager]
    counts = {"ballots": 0, "proposals": 0}
    with transaction.atomic():
        n_2025 = ballots_for(row, ctx.size, 2026)
        census, entries = _census(gov, manager, rng, n_2025 * 5 // 2)
        _residents(gov, census, residents)
        scale = int(row["budget2023_general"] or 0)
        total = max(100_000_000, min(50_000_000_000, scale // 2000 // 10_000_000 * 10_000_000))
        # Last year's cycle, for this year's budget: voted, counted below, adopted.
        last = _cycle(gov, manager, rng, 2026, total, _phases_2025())
        on_ballot = _proposals(gov, last, rng, proposers, reviewer, dept)
        voters = rng.sample(_eligible(entries, D(2025, 9, 10)), k=min(n_2025, len(entries)))
        counts["ballots"] += _ballots(gov, last, rng, on_ballot, voters, clerk, D(2025, 9, 10))
        Cycle.objects.filter(pk=last.pk).update(phase=PhaseKind.BUDGET_ADOPTION, status=CycleStatus.OPEN)
        # This year's cycle, for next year's budget: the vote is open.
        current = _cycle(gov, manager, rng, 2027, total, _phases_now())
        on_ballot_now = _proposals(gov, current, rng, proposers, reviewer, dept)
        today = clock.today()
        voters_now = rng.sample(_eligible(entries, today), k=min(ballots_for(row, ctx.size, 2027), len(entries)))
        counts["ballots"] += _ballots(gov, current, rng, on_ballot_now, voters_now, clerk, today)
        Cycle.objects.filter(pk=current.pk).update(phase=PhaseKind.VOTING, status=CycleStatus.OPEN)
        counts["proposals"] = Proposal.objects.filter(government=gov).count()
        audit.record(manager, "demo.participation.load", gov, data={"size": ctx.size, **counts})
    last.refresh_from_db()
    # The ballots were just bulk-written: without statistics PostgreSQL counts them with a plan for empty tables.
    refresh_statistics("participation_rollentry", "participation_ballot", "participation_ballotchoice")
    result_actions.do_compute_result(last, actor=manager)
    with transaction.atomic():
        _adopt(gov, last, manager, rng)
        # Proposers follow their own proposals, as the app does on submission. Written after the count so that the
        # demo load does not queue a message to every demo proposer.
        Follow.objects.bulk_create(
            [
                Follow(government=gov, proposal=p, user_id=p.proposer_id)
                for p in Proposal.objects.filter(government=gov)
            ],
            ignore_conflicts=True,
        )
    return counts


@loader("participation.participation", order=60, version=1)
def load_participation(ctx: Context) -> None:
    governments.ensure_loaded()
    rows = {row["code"]: row for row in governments.read_governments()}
    govs = governments_for(ctx.size)
    totals = {"ballots": 0, "proposals": 0}
    loaded = 0
    for gov in ctx.track(govs, len(govs), "participation"):
        if Cycle.objects.filter(government=gov, title="2027년도 주민참여예산 사업공모").exists():
            continue
        if not User.objects.filter(username=f"{slug(gov)}.budget").exists():
            continue  # the people loader has not run for this government
        for key, value in load_government(gov, rows[gov.code], ctx).items():
            totals[key] += value
        loaded += 1
    ctx.notes.append(f"{loaded} governments, {totals['proposals']:,} proposals, {totals['ballots']:,} counted ballots")
