"""결산: statements equal hand-computed values and balance, consolidation eliminates internal transactions, the
closing run is idempotent with byte-identical documents, and the closed year refuses postings."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from lofin.accounting import actions as ledger
from lofin.accounting import journal
from lofin.accounting.models import ClosedPeriod, JournalEntry, JournalLine
from lofin.closing import actions, calendar, documents, snapshot
from lofin.closing.errors import AlreadyClosed, CashWorkOpen
from lofin.closing.models import ClosingRun, RunStatus
from lofin.closing.testing import close_year, propose, record_package
from lofin.core import testing
from lofin.core.errors import Conflict, NotFound
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.testing import YEAR

from .books import post
from .conftest import AFTER_THE_YEAR

pytestmark = pytest.mark.django_db


def amounts(groups):
    return {line["code"]: line["amount"] for g in groups for line in g["lines"]}


def test_entity_statements_equal_the_hand_computed_values(books):
    doc = snapshot.compute(books.ex.s.gov, YEAR)
    general = doc["statements"]["general"]
    p = general["position"]
    assert amounts(p["assets"]) == {"1110": 1750, "1120": 200, "1320": 100, "1330": -20}
    assert (p["assets_total"], p["liabilities_total"], p["net_assets_total"]) == (2030, 500, 1530)
    assert amounts(p["liabilities"]) == {"2210": 500}
    perf = general["performance"]
    assert (perf["program_cost_total"], perf["internal_costs"], perf["net_cost"]) == (320, 200, 520)
    assert (perf["general_revenue_total"], perf["result"]) == (1000, -480)
    changes = general["changes"]
    assert (changes["opening"], changes["result"], changes["adjustment_total"], changes["closing"]) == (
        1000,
        -480,
        50,
        1530,
    )
    fund = doc["statements"]["fund"]
    assert (fund["position"]["assets_total"], fund["position"]["net_assets_total"]) == (140, 140)
    assert (fund["performance"]["internal_revenues"], fund["performance"]["result"]) == (200, -140)
    assert fund["eliminated"] is None  # entity statements hold no eliminations (규칙 §9)


def test_consolidation_eliminates_the_internal_transactions_exactly(books):
    doc = snapshot.compute(books.ex.s.gov, YEAR)
    c = doc["statements"]["consolidated"]
    entities = [doc["statements"]["general"], doc["statements"]["fund"]]
    assert c["eliminated"] == {"revenue": 200, "expense": 200}
    assert c["position"]["assets_total"] == sum(s["position"]["assets_total"] for s in entities) == 2170
    assert c["position"]["net_assets_total"] == 1670
    perf = c["performance"]
    assert (perf["internal_costs"], perf["internal_revenues"]) == (0, 0)
    assert perf["net_cost"] == sum(s["performance"]["net_cost"] for s in entities) - 200 == 380
    assert perf["general_revenue_total"] == 1000
    assert perf["result"] == -620
    assert c["changes"]["elimination_difference"] == 0
    assert c["changes"]["closing"] == c["position"]["net_assets_total"]


def test_an_unmatched_internal_transfer_shows_as_the_elimination_difference(books):
    post(books.general, YEAR, ("5350", 30, 0), ("1110", 0, 30))
    c = snapshot.compute(books.ex.s.gov, YEAR)["statements"]["consolidated"]
    assert c["eliminated"] == {"revenue": 200, "expense": 230}
    assert c["changes"]["elimination_difference"] == -30
    assert c["changes"]["closing"] == c["position"]["net_assets_total"] == 1640


def test_notes_give_assets_borrowings_and_policies(books):
    notes = snapshot.compute(books.ex.s.gov, YEAR)["notes"]["general"]
    assert {a["code"]: a["cost"] for a in notes["assets"]} == {"1320": 100}
    assert (notes["accumulated_depreciation"], notes["depreciation"]) == (20, 20)
    assert notes["borrowings"] == {"opening": 0, "issued": 500, "repaid": 0, "closing": 500}
    assert {p["key"] for p in notes["policies"]} >= {"basis", "depreciation"}


def closing_lines_of(run):
    return {
        (e.account_id, code, d, c)
        for e in JournalEntry.objects.filter(source_type="accounting.closing", source_id=run.pk)
        for code, d, c in JournalLine.objects.filter(entry=e).values_list("ledger_code", "debit", "credit")
    }


def test_the_closing_run_posts_closing_entries_stores_the_statements_and_locks_the_year(books):
    gov = books.ex.s.gov
    before = snapshot.compute(gov, YEAR)
    run = close_year(gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    assert run.closing_entries == 2
    g, f = books.general.pk, books.fund.pk
    assert closing_lines_of(run) == {
        (g, "4100", 1000, 0),
        (g, "5100", 0, 300),
        (g, "5350", 0, 200),
        (g, "5500", 0, 20),
        (g, "3100", 0, 480),
        (f, "4500", 200, 0),
        (f, "5200", 0, 60),
        (f, "3100", 0, 140),
    }
    assert json.loads(run.snapshot) == before
    assert run.digest == snapshot.digest(snapshot.canonical(before))
    assert ClosedPeriod.objects.filter(government=gov, fiscal_year=YEAR).exists()
    assert AuditEvent.objects.filter(action="accounting.closing.run").count() == 1
    # After the closing, the statements computed again are the same document.
    assert snapshot.digest(snapshot.canonical(snapshot.compute(gov, YEAR))) == run.digest
    # The next year opens from the closed position.
    nxt = snapshot.compute(gov, YEAR + 1)["statements"]["general"]
    assert nxt["changes"]["opening"] == 1530


def test_closing_again_is_refused_writes_nothing_and_the_stored_run_gives_the_same_bytes(books):
    gov = books.ex.s.gov
    run = close_year(gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    doc = json.loads(run.snapshot)
    files = [documents.xlsx_bytes(doc, "consolidated", "position"), documents.pdf_bytes(doc, "general", "notes")]
    counts = (JournalEntry.objects.count(), AuditEvent.objects.count(), ClosingRun.objects.count())
    with pytest.raises(AlreadyClosed):
        propose(gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    assert (JournalEntry.objects.count(), AuditEvent.objects.count(), ClosingRun.objects.count()) == counts
    again = ClosingRun.objects.get()
    assert (again.pk, again.digest, again.snapshot) == (run.pk, run.digest, run.snapshot)
    redo = json.loads(again.snapshot)
    assert documents.xlsx_bytes(redo, "consolidated", "position") == files[0]
    assert documents.pdf_bytes(redo, "general", "notes") == files[1]
    for statement in ("position", "performance", "changes", "notes", "budget_result"):
        assert documents.xlsx_bytes(redo, "general", statement)[:2] == b"PK"
        assert documents.pdf_bytes(redo, "general", statement).startswith(b"%PDF")


def test_the_closed_year_refuses_postings_and_corrections_go_into_the_open_year(books):
    close_year(books.ex.s.gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    count = JournalEntry.objects.count()
    with pytest.raises(journal.PeriodClosed):
        post(books.general, YEAR, ("5200", 5, 0), ("1110", 0, 5), on=dt.date(YEAR, 12, 30))
    with pytest.raises(journal.PeriodClosed):
        post(books.general, YEAR + 1, ("5200", 5, 0), ("1110", 0, 5), on=dt.date(YEAR, 12, 30))
    assert JournalEntry.objects.count() == count
    post(books.general, YEAR + 1, ("5900", 5, 0), ("1110", 0, 5), on=dt.date(YEAR + 1, 2, 6))
    assert JournalEntry.objects.count() == count + 1


def test_closing_is_refused_before_the_year_ends_and_for_others(books, travel):
    gov = books.ex.s.gov
    travel(dt.date(YEAR, 12, 31))
    with pytest.raises(CashWorkOpen):
        propose(gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    travel(AFTER_THE_YEAR)
    other = testing.government("2600000")
    outsider = testing.official(other, Role.FINANCE_OFFICER, username="outsider")
    with pytest.raises(NotFound):
        propose(gov, YEAR, drafter=outsider, head=books.ex.s.mayor)
    assert not ClosingRun.objects.exists()
    assert not ClosedPeriod.objects.exists()


def test_a_year_locked_without_a_closing_run_is_refused(books):
    ledger.do_close_books(books.ex.s.gov, YEAR, actor=books.ex.finance)
    with pytest.raises(Conflict):
        propose(books.ex.s.gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)


def test_the_calendar_follows_the_closing(books):
    gov = books.ex.s.gov
    assert calendar.standing(gov, YEAR, today=dt.date(YEAR, 12, 1)).status == calendar.NOT_STARTED
    progress = calendar.standing(gov, YEAR, today=dt.date(YEAR + 1, 1, 5))
    assert (progress.status, progress.overdue) == (calendar.IN_PROGRESS, False)
    assert not calendar.standing(gov, YEAR, today=dt.date(YEAR + 1, 3, 21)).overdue
    assert calendar.standing(gov, YEAR, today=dt.date(YEAR + 1, 3, 22)).overdue  # 80 days after 출납폐쇄
    close_year(gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    assert calendar.standing(gov, YEAR, today=dt.date(YEAR + 1, 2, 12)).status == calendar.CLOSED
    record_package(gov, YEAR, actor=books.ex.finance)
    with pytest.raises(Exception):  # noqa: B017 - the submission cannot be dated in the future
        actions.do_submit_to_council(gov, YEAR, on=dt.date(YEAR + 1, 3, 1), actor=books.ex.finance)
    run = actions.do_submit_to_council(gov, YEAR, on=AFTER_THE_YEAR, actor=books.ex.finance)
    assert run.status == RunStatus.SUBMITTED
    standing = calendar.standing(gov, YEAR, today=dt.date(YEAR + 1, 6, 1))
    assert (standing.status, standing.overdue) == (calendar.SUBMITTED, False)
    overview = {s.code: s.status for s in calendar.overview(YEAR, today=dt.date(YEAR + 1, 2, 12))}
    assert overview[gov.code] == calendar.SUBMITTED
    assert [d["on"] for d in calendar.deadlines(YEAR)] == [
        dt.date(YEAR, 12, 31),
        dt.date(YEAR + 1, 1, 20),
        dt.date(YEAR + 1, 2, 10),
        dt.date(YEAR + 1, 3, 21),
        dt.date(YEAR + 1, 5, 31),
    ]


def test_the_command_line_closes_the_year(books):

    out = StringIO()
    code = books.ex.s.gov.code
    call_command("accounting", "close", "--government", code, "--year", str(YEAR), "--approve-as", "mayor", stdout=out)
    run = ClosingRun.objects.get()
    assert f"digest {run.digest}" in out.getvalue()
    assert run.closed_by == books.ex.s.mayor
