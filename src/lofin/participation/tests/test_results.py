"""After the vote: adoption into the next budget's requests, tracking into execution, the annual 운영결과 report
with exact numbers, and pabulib export/import through the engine."""

import io

import pytest
from openpyxl import load_workbook

from lofin.budget.actions import setup as budget_setup
from lofin.budget.models import ExpenditureLine, Project
from lofin.budget.testing import build_setup
from lofin.core import testing
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.models import AuditEvent
from lofin.execution.models import BudgetLine
from lofin.participation import voting
from lofin.participation.actions import adoption, pabulib
from lofin.participation.actions import ballots as va
from lofin.participation.actions import results as tally
from lofin.participation.errors import WrongPhase, WrongStatus
from lofin.participation.models import Ballot, Cycle, PhaseKind, Proposal
from lofin.participation.queries import cycles, proposals, report
from lofin.participation.queries import pabulib as pb_export
from lofin.participation.testing import PEOPLE, build_pb

pytestmark = pytest.mark.django_db


def voted(pb):
    """김민준 and 박지호 online for 1+2 and 2+3; 이서연 online, then on paper, for 3; 정도윤 on paper for 2."""
    one, two, three = (p.pk for p in pb.proposals[:3])
    va.do_cast_ballot(pb.cycle, approvals=[one, two], actor=pb.users["김민준"])
    va.do_cast_ballot(pb.cycle, approvals=[two, three], actor=pb.users["박지호"])
    va.do_cast_ballot(pb.cycle, approvals=[one], actor=pb.users["이서연"])
    for person, choice in [(PEOPLE[1], three), (PEOPLE[4], two)]:
        va.do_enter_paper_ballot(
            pb.cycle,
            name=person.name,
            birth_date=person.birth_date,
            sex_digit=person.sex,
            approvals=[choice],
            actor=pb.clerk,
        )
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    tally.do_compute_result(pb.cycle, actor=pb.manager)
    return one, two, three


def test_selected_projects_become_requests_in_the_next_budget_and_are_tracked():
    pb = build_pb(costs=(30_000_000, 40_000_000, 50_000_000))
    _one, two, three = voted(pb)
    # Votes: 1 → 1, 2 → 3, 3 → 2. Greedy: 2 (40) and 3 (50) fit in 100; 1 (30) does not.
    assert set(Proposal.objects.filter(status="selected").values_list("pk", flat=True)) == {two, three}
    setup = build_setup("1133000", year=pb.cycle.year)
    version = budget_setup.do_open_original(pb.gov, year=pb.cycle.year, actor=setup.officer)
    unit = Project.objects.get(government=pb.gov, year=pb.cycle.year, code="U110")
    with pytest.raises(InvalidInput):
        adoption.do_adopt_into_request(
            pb.cycle, version=version, parent=setup.senior, object_code="401-01", actor=pb.manager
        )
    lines_before = ExpenditureLine.objects.count()
    adopted = adoption.do_adopt_into_request(
        pb.cycle, version=version, parent=unit, object_code="401-01", actor=pb.manager
    )
    assert [p.pk for p in adopted] == [two, three]
    assert ExpenditureLine.objects.count() == lines_before + 2
    second = Proposal.objects.get(pk=two)
    assert (second.status, second.adopted_amount, second.budget_line.requested_amount) == (
        "adopted",
        40_000_000,
        40_000_000,
    )
    assert second.budget_project.code == f"PB{pb.cycle.pk}-002"
    assert second.budget_project.parent == unit
    assert AuditEvent.objects.filter(action="participation.proposal.adopt").count() == 2
    with pytest.raises(WrongStatus):  # nothing left to adopt
        adoption.do_adopt_into_request(pb.cycle, version=version, parent=unit, object_code="401-01", actor=pb.manager)
    # Execution of the new 세부사업 is read back on the tracking page and into the report.
    BudgetLine.objects.create(
        government=pb.gov,
        year=pb.cycle.year,
        account=setup.general,
        project=second.budget_project,
        object_code="401-01",
        budget_amount=40_000_000,
        appropriation=40_000_000,
        allocated=40_000_000,
        committed=35_000_000,
        paid=12_500_000,
    )
    track = proposals.tracking(Proposal.objects.get(pk=two))
    assert track["execution"] == {"appropriation": 40_000_000, "committed": 35_000_000, "paid": 12_500_000}
    assert track["budget_line"]["amount"] == 40_000_000
    pb.advance(PhaseKind.IMPLEMENTATION)
    assert [p.pk for p in adoption.do_start_execution(pb.cycle, actor=pb.manager)] == [two]

    (row,) = report.annual_report(pb.gov, pb.cycle.year)
    assert row.as_dict() == {
        "cycle_id": pb.cycle.pk,
        "year": pb.cycle.year,
        "title": pb.cycle.title,
        "total_amount": 100_000_000,
        "proposals": 3,
        "reviewed": 3,
        "feasible": 3,
        "shortlisted": 3,
        "selected": 2,
        "adopted": 2,
        "online": 2,  # 이서연's online ballot was replaced by her paper one
        "paper": 2,
        "in_person": 0,
        "ballots": 4,
        "replaced": 1,
        # On the list: 김민준, 이서연, 박지호 (worker), 정도윤; 최하은 is 13.
        "eligible": 4,
        "turnout_pct": "100.0",
        "adopted_amount": 90_000_000,
        "executed_amount": 12_500_000,
    }
    sheet = load_workbook(io.BytesIO(report.report_xlsx(pb.gov, pb.cycle.year))).active
    assert sheet["A2"].value == "사업공모" and sheet["P3"].value == 90_000_000 and sheet["O3"].value == "100.0"


def test_link_to_an_existing_project_and_tenancy():
    pb = build_pb(costs=(30_000_000, 40_000_000, 50_000_000))
    _one, two, _three = voted(pb)
    setup = build_setup("1133000", year=pb.cycle.year)
    proposal = Proposal.objects.get(pk=two)
    with pytest.raises(InvalidInput):
        adoption.do_link_to_project(proposal, project=setup.senior, amount=0, actor=pb.manager)
    adoption.do_link_to_project(proposal, project=setup.senior, amount=40_000_000, actor=pb.manager)
    assert Proposal.objects.get(pk=two).budget_project == setup.senior
    other_gov = testing.government("1134000")
    other_officer = testing.official(other_gov, "budget_officer", username="other-officer")
    account = budget_setup.do_create_account(
        other_gov, code="100", name="일반회계", kind="general", actor=other_officer
    )
    foreign = budget_setup.do_create_project(
        other_gov,
        year=pb.cycle.year,
        level="policy",
        code="P1",
        name="남의 사업",
        account=account,
        function_code="085",
        actor=other_officer,
    )
    with pytest.raises(NotFound):
        adoption.do_link_to_project(
            Proposal.objects.get(pk=pb.proposals[2].pk), project=foreign, amount=1, actor=pb.manager
        )


def test_export_is_the_counted_election_and_import_counts_like_the_engine():
    pb = build_pb(costs=(30_000_000, 40_000_000, 50_000_000))
    voted(pb)
    ((name, text),) = pb_export.export_pb(pb.cycle)
    assert name.endswith(".pb") and "VOTES" in text
    election = voting.parse_pb(text)
    assert len(election.ballots) == Ballot.objects.filter(cycle=pb.cycle).count() == 4
    assert election.budget == 100_000_000

    imported = pabulib.do_import_pb(pb.gov, text=text, title="가져온 투표", actor=pb.manager, rule="mes+greedy")
    assert (imported.phase, imported.ballot_kind, imported.total_amount) == ("budget_adoption", "approval", 100_000_000)
    (result,) = tally.do_compute_result(imported, actor=pb.manager)
    expected = voting.solve(election, "mes+greedy", "cost")
    numbers = dict(Proposal.objects.filter(cycle=imported).values_list("pk", "number"))
    assert [f"{numbers[w]:04d}" for w in result.winners] == expected.winners
    assert result.total_cost == expected.total_cost


def test_malformed_pb_file_is_refused_with_its_line():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    before = Cycle.objects.count()
    bad = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\nVOTES\nvoter_id;vote\n"
    with pytest.raises(InvalidInput) as refused:
        pabulib.do_import_pb(pb.gov, text=bad, title="x", actor=pb.manager)
    assert refused.value.detail["line"] == 7
    assert Cycle.objects.count() == before


def test_result_cannot_be_computed_before_the_vote_closes_and_outsiders_get_404():
    pb = build_pb()
    with pytest.raises(WrongPhase):
        tally.do_compute_result(pb.cycle, actor=pb.manager)
    outsider = testing.official(testing.government("1134000"), "budget_officer", username="outsider")
    with pytest.raises(NotFound):
        tally.do_compute_result(pb.cycle, actor=outsider)
    with pytest.raises(NotFound):
        cycles.cycle(testing.government("1134000"), pb.cycle.pk)
