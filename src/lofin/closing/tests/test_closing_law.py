"""The law of the 결산: the three dates (R-AC-5), who closes the books, the 불용액 check (R-AC-4) and the package
(R-AC-6)."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import translation

from lofin.accounting import journal, queries
from lofin.accounting.models import ClosedPeriod, JournalEntry
from lofin.closing import actions, budget_result, calendar, package, rules, testing
from lofin.closing.errors import AlreadyClosed, AlreadySubmitted, ClosingPending, LinesOverspent, PackageIncomplete
from lofin.closing.models import ClosingDocument, ClosingRequest, ClosingRun, RunStatus
from lofin.closing.testing import close_year, propose
from lofin.core import clock
from lofin.core import testing as core_testing
from lofin.core.approvals import actions as approvals
from lofin.core.errors import InvalidInput, InvalidLine, LofinError, PermissionDenied
from lofin.core.models import AuditEvent
from lofin.core.roles import Position, Role
from lofin.execution.models import BudgetLine, CarryOver
from lofin.execution.testing import YEAR

from .conftest import AFTER_THE_YEAR

pytestmark = pytest.mark.django_db


def written():
    return (
        ClosingRun.objects.count(),
        ClosedPeriod.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("day", [dt.date(YEAR + 1, 1, 1), dt.date(YEAR + 1, 1, 20), dt.date(YEAR + 1, 2, 10)])
def test_R_AC_5_the_books_cannot_be_locked_while_postings_of_the_year_are_allowed(books, travel, day):
    travel(day)
    before = written()
    with pytest.raises(LofinError) as refused:
        propose(books.ex.s.gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    assert refused.value.detail["rule"] == "R-AC-5"
    with translation.override("en"):
        assert "지방회계법 §7" in str(refused.value.message)
    assert written() == before


def test_R_AC_5_the_calendar_shows_the_three_deadlines_of_the_law():
    keyed = {d["key"]: d["on"] for d in calendar.deadlines(YEAR)}
    assert keyed["completion"] == dt.date(YEAR + 1, 2, 10)
    assert keyed["statement"] == dt.date(YEAR, 12, 31) + dt.timedelta(days=80)
    assert keyed["council"] == dt.date(YEAR + 1, 5, 31)
    labels = {d["key"]: str(d["label"]) for d in calendar.deadlines(YEAR)}
    assert "결산 completion" not in labels.values()


def test_R_AC_5_the_deadlines_come_from_the_settings(settings):
    settings.LOFIN_CLOSING_CALENDAR = {
        "exceptions": "01-25",
        "completion": "02-15",
        "statement_days": 70,
        "council": "05-20",
    }
    keyed = {d["key"]: d["on"] for d in calendar.deadlines(YEAR)}
    assert keyed["exceptions"] == dt.date(YEAR + 1, 1, 25)
    assert keyed["completion"] == dt.date(YEAR + 1, 2, 15)
    assert keyed["statement"] == dt.date(YEAR, 12, 31) + dt.timedelta(days=70)
    assert keyed["council"] == dt.date(YEAR + 1, 5, 20)


# --- who closes the books: the head, on an approval line; reversal only by an approved reopening ---------------


def test_closing_a_year_is_drafted_by_the_accounting_office_and_runs_only_when_the_head_approves(books):
    gov, ex = books.ex.s.gov, books.ex
    request = propose(gov, YEAR, drafter=ex.disburser, head=ex.s.mayor)
    assert request.approval.doc_kind == actions.DOC_CLOSE
    # A single POST of the 지출원 closes nothing: no run, the year open.
    assert not ClosingRun.objects.exists() and not ClosedPeriod.objects.exists()
    approvals.do_approve(request.approval_id, actor=ex.s.mayor)
    run = ClosingRun.objects.get()
    assert (run.closed_by, run.status) == (ex.s.mayor, RunStatus.CLOSED)
    assert ClosedPeriod.objects.filter(government=gov, fiscal_year=YEAR).exists()
    event = AuditEvent.objects.get(action="accounting.closing.run")
    assert (event.data["approval"], event.data["drafted_by"]) == (request.approval_id, ex.disburser.pk)


def test_closing_below_the_head_or_by_a_reader_is_refused_and_writes_nothing(books):
    gov, ex = books.ex.s.gov, books.ex
    before = written()
    with pytest.raises(InvalidLine):  # 위임전결 cannot hand the 결산 to a division head
        propose(gov, YEAR, drafter=ex.finance, head=ex.s.chief)
    with pytest.raises(PermissionDenied):
        propose(gov, YEAR, drafter=ex.s.welfare_staff, head=ex.s.mayor)
    assert written() == before
    assert not ClosingRequest.objects.exists()


def test_the_acting_head_decides_the_closing_while_the_head_is_away(books):
    gov, ex = books.ex.s.gov, books.ex
    deputy = core_testing.official(gov, Role.OFFICIAL, username="deputy", position=Position.DEPUTY_HEAD)
    now = clock.now()
    approvals.do_appoint_substitute(
        gov,
        delegator=ex.s.mayor,
        substitute=deputy,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=3),
        reason="출장",
        actor=ex.s.mayor,
    )
    request = propose(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    approvals.do_approve(request.approval_id, actor=deputy)
    run = ClosingRun.objects.get()
    assert run.closed_by == deputy
    assert request.approval.steps.get(order=2).mode == "substitute"


def test_a_second_closing_while_one_waits_or_after_the_year_is_closed_is_refused(books):
    gov, ex = books.ex.s.gov, books.ex
    first = propose(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    with pytest.raises(ClosingPending):
        propose(gov, YEAR, drafter=ex.disburser, head=ex.s.mayor)
    approvals.do_approve(first.approval_id, actor=ex.s.mayor)
    with pytest.raises(AlreadyClosed):
        propose(gov, YEAR, drafter=ex.disburser, head=ex.s.mayor)
    assert ClosingRun.objects.count() == 1


def test_an_approved_reopening_reverses_the_closing_and_keeps_the_run_in_history(books):
    gov, ex = books.ex.s.gov, books.ex
    run = close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    request = actions.do_propose_reopening(
        gov, YEAR, reason="검사위원 지적", line=[("approve", ex.s.mayor)], actor=ex.finance, idempotency_key="r1"
    )
    # Drafted, not approved: the year is still closed.
    assert journal.is_closed(gov.pk, YEAR)
    approvals.do_approve(request.approval_id, actor=ex.s.mayor)
    run.refresh_from_db()
    assert (run.status, run.reopened_by) == (RunStatus.REOPENED, ex.s.mayor)
    assert not journal.is_closed(gov.pk, YEAR)
    closing = JournalEntry.objects.filter(source_type="accounting.closing", source_id=run.pk)
    assert closing.count() == 2 * run.closing_entries
    assert closing.filter(reverses__isnull=False).count() == run.closing_entries
    tb = queries.trial_balance(gov, YEAR)
    assert any(r.balance for r in tb.rows if r.category in ("revenue", "expense"))
    assert AuditEvent.objects.filter(action="accounting.closing.reopen").count() == 1
    assert AuditEvent.objects.filter(action="accounting.reopen").count() == 1
    # Closed again: a new run with the same statements; the reopened one stays.
    again = close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    assert again.pk != run.pk and again.digest == run.digest
    assert ClosingRun.objects.count() == 2


def test_a_closing_cannot_be_reversed_once_the_settlement_is_with_the_council(books):
    gov, ex = books.ex.s.gov, books.ex
    close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    record_package(gov, ex.finance)
    actions.do_submit_to_council(gov, YEAR, on=AFTER_THE_YEAR, actor=ex.finance)
    before = written()
    with pytest.raises(AlreadySubmitted):
        actions.do_propose_reopening(
            gov, YEAR, reason="늦은 정정", line=[("approve", ex.s.mayor)], actor=ex.finance, idempotency_key="r2"
        )
    assert written() == before


# --- R-AC-4: 불용액 ≥ 0 is checked, a violation reported per line -------------------------------------------


def test_R_AC_4_the_lapse_is_what_is_left_and_an_excess_is_reported_not_a_negative_lapse():
    assert rules.lapse(1000, 600, 300) == (100, 0)
    assert rules.lapse(1000, 700, 300) == (0, 0)
    assert rules.lapse(1000, 800, 300) == (0, 100)


def overspend(books):
    """A carry-over recorded beyond what the line has left (the data of a faulty import): 지출 + 이월 > 예산현액."""
    line = BudgetLine.objects.get(pk=books.ex.pension.pk)
    CarryOver.objects.create(
        government=line.government,
        kind="explicit",
        from_line=line,
        to_line=books.ex.senior,
        amount=line.appropriation - line.paid + 7,
        reason="test",
        decided_by=books.ex.finance,
    )
    return line


def test_R_AC_4_an_overspent_line_shows_in_the_settlement_with_its_excess(books):
    line = overspend(books)
    rows = budget_result.expenditure_rows(books.ex.s.gov.pk, YEAR)
    row = next(r for r in rows if r["line_id"] == line.pk)
    assert (row["lapsed"], row["overspent"]) == (0, 7)
    result = budget_result.budget_result(books.ex.s.gov.pk, YEAR)
    assert [r["line_id"] for r in result["overspent"]] == [line.pk]
    assert all(r["lapsed"] >= 0 for r in result["expenditure"])


def test_R_AC_4_the_settlement_screen_names_the_overspent_line(books):
    line = overspend(books)
    client = Client()
    client.force_login(books.ex.finance)
    page = client.get(f"/g/{books.ex.s.gov.code}/accounting/{YEAR}/budget-result/").content.decode()
    assert f'id="overspent-{line.pk}"' in page


def test_R_AC_4_the_books_are_not_closed_while_a_line_is_overspent(books):
    line = overspend(books)
    before = written()
    with pytest.raises(LinesOverspent) as refused:
        propose(books.ex.s.gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    assert refused.value.detail["rule"] == "R-AC-4"
    assert [x["line_id"] for x in refused.value.detail["lines"]] == [line.pk]
    assert written() == before


# --- R-AC-6: the package is complete before it goes to the council -------------------------------------------


def record_package(gov, actor, skip=()):
    testing.record_package(gov, YEAR, actor=actor, skip=skip)


def test_R_AC_6_the_settlement_without_its_documents_is_refused_naming_what_is_missing(books):
    gov, ex = books.ex.s.gov, books.ex
    close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    record_package(gov, ex.finance, skip=("cpa_review", "att_gender"))
    before = written()
    with pytest.raises(PackageIncomplete) as refused:
        actions.do_submit_to_council(gov, YEAR, on=AFTER_THE_YEAR, actor=ex.finance)
    assert refused.value.detail["rule"] == "R-AC-6"
    assert refused.value.detail["missing"] == ["cpa_review", "att_gender"]
    assert "공인회계사" in str(refused.value.message) and "성인지결산서" in str(refused.value.message)
    assert written() == before
    assert ClosingRun.objects.get().status == RunStatus.CLOSED


def test_R_AC_6_the_complete_package_goes_to_the_council(books):
    gov, ex = books.ex.s.gov, books.ex
    run = close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    record_package(gov, ex.finance)
    assert package.missing(gov, YEAR, run) == []
    doc = ClosingDocument.objects.filter(kind="inspectors_opinion").get()
    assert (doc.recorded_by, doc.reference) == (ex.finance, "결산-1")
    overview = package.overview(json.loads(run.snapshot))
    assert overview["net_assets"] == 1670
    assert actions.do_submit_to_council(gov, YEAR, on=AFTER_THE_YEAR, actor=ex.finance).status == RunStatus.SUBMITTED


def test_R_AC_6_documents_are_recorded_with_their_content_and_only_attachments_may_not_apply(books):
    gov, ex = books.ex.s.gov, books.ex
    before = written(), ClosingDocument.objects.count()
    with pytest.raises(InvalidInput):
        actions.do_record_document(gov, YEAR, kind="cpa_review", not_applicable=True, actor=ex.finance)
    with pytest.raises(InvalidInput):
        actions.do_record_document(gov, YEAR, kind="cpa_review", reference="x", actor=ex.finance)
    with pytest.raises(PermissionDenied):
        actions.do_record_document(gov, YEAR, kind="att_bonds", not_applicable=True, actor=ex.s.welfare_staff)
    assert (written(), ClosingDocument.objects.count()) == before
