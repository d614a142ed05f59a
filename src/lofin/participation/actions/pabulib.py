"""Import of a pabulib (.pb) file as a cycle whose vote is finished (phase 예산반영), through the voting engine's
reader: its projects are on the ballot and its votes are paper votes entered by the importing official — on the
turnout roll, each voter known only by a hash of the file's voter id, and as ballots with no seal (nobody will ask
for "my ballot" of a file), written in a random order — ready for the cycle's rule to be counted. The export is `queries.pabulib`.
"""

from __future__ import annotations

import hashlib
import random

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock
from lofin.core.errors import InvalidInput
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require

from .. import voting
from ..access import MANAGE
from ..models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotKind,
    Cycle,
    CycleStatus,
    PhaseKind,
    Proposal,
    ProposalStatus,
    RollEntry,
    StatusEvent,
)
from .cycles import do_create_cycle

KIND_OF_VOTE_TYPE = {"approval": BallotKind.APPROVAL, "cumulative": BallotKind.CUMULATIVE, "ordinal": BallotKind.RANKED}


def do_import_pb(
    government: LocalGovernment, *, text: str, title: str, actor: User, year: int | None = None, rule: str = "greedy"
) -> Cycle:
    require(actor, MANAGE, government)
    try:
        election = voting.parse_pb(text if "\n" in text else text + "\n")
    except voting.PbFormatError as exc:
        raise InvalidInput(str(exc), field="file", line=exc.line) from None
    except voting.VotingError as exc:
        raise InvalidInput(str(exc), field="file") from None
    kind = KIND_OF_VOTE_TYPE.get(election.vote_type)
    if kind is None:
        raise InvalidInput(_("Scoring ballots cannot be imported; Lofin's ballots are approval, points or rankings."))
    if kind == BallotKind.APPROVAL and election.max_length:
        kind = BallotKind.K_APPROVAL
    if not election.projects or election.budget <= 0 or any(p.cost <= 0 for p in election.projects):
        raise InvalidInput(_("The file needs a budget and projects that cost more than zero."), field="file")
    year = year or clock.today().year
    with transaction.atomic():
        cycle = do_create_cycle(
            government,
            year=year,
            title=title,
            total_amount=voting.whole_won(election.budget),
            ballot_kind=kind,
            rule=rule,
            max_choices=election.max_length,
            min_choices=max(election.min_length or 1, 1),
            max_points=election.max_sum_points if kind == BallotKind.CUMULATIVE else None,
            description=election.meta.get("description", "")[:2000],
            actor=actor,
        )
        # Ballot numbers follow the file's project ids in lexicographic order, so the tally's ties break as the
        # engine's (and pabutools') do on the file itself.
        ordered = sorted(election.projects, key=lambda p: p.id)
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    government=government,
                    cycle=cycle,
                    number=n,
                    title=(p.name or p.id)[:120],
                    description=f"pabulib project {p.id}",
                    cost=voting.whole_won(p.cost),
                    proposer=actor,
                    status=ProposalStatus.ON_BALLOT,
                )
                for n, p in enumerate(ordered, start=1)
            ]
        )
        by_id = {p.id: proposal for p, proposal in zip(ordered, proposals, strict=True)}
        StatusEvent.objects.bulk_create(
            [
                StatusEvent(government=government, proposal=p, to_status=ProposalStatus.ON_BALLOT, actor=actor)
                for p in proposals
            ]
        )
        today = clock.today()
        RollEntry.objects.bulk_create(
            [
                RollEntry(
                    government=government,
                    cycle=cycle,
                    voter_key=hashlib.sha256(f"pb:{cycle.pk}:{b.voter_id}".encode()).hexdigest(),
                    channel=BallotChannel.PAPER,
                    entered_by=actor,
                    voted_on=today,
                )
                for b in election.ballots
            ],
            batch_size=2000,
        )
        # In a random order, so that neither the ballots' ids nor their place in the table follow the roll's.
        sources = random.SystemRandom().sample(election.ballots, len(election.ballots))
        ballots = Ballot.objects.bulk_create(
            [Ballot(government=government, cycle=cycle) for _b in sources], batch_size=2000
        )
        choices: list[BallotChoice] = []
        for ballot, source in zip(ballots, sources, strict=True):
            items: list[tuple[str, int, int | None]]
            if source.points is not None:
                items = [(pid, pts, None) for pid, pts in source.points.items()]
            elif source.ranking:
                items = [(pid, 1, rank) for rank, pid in enumerate(source.ranking, start=1)]
            else:
                items = [(pid, 1, None) for pid in source.approvals]
            choices.extend(
                BallotChoice(government=government, ballot=ballot, proposal=by_id[pid], points=pts, rank=rank)
                for pid, pts, rank in items
            )
        BallotChoice.objects.bulk_create(choices, batch_size=5000)
        Cycle.objects.filter(pk=cycle.pk).update(phase=PhaseKind.BUDGET_ADOPTION, status=CycleStatus.OPEN)
        cycle.refresh_from_db()
        audit.record(
            actor,
            "participation.cycle.import_pb",
            cycle,
            data={
                "projects": len(proposals),
                "ballots": len(ballots),
                "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            },
        )
    return cycle
