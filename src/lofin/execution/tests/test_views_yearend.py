"""The year-end screens — the dates, the lapse (불용) and closing the year, carry-overs (이월) — and 일상경비. Driven with
Django's test client; the browser suite walks them in Chromium."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from lofin.core.models import AuditEvent
from lofin.execution.actions import commitments
from lofin.execution.models import (
    BudgetLine,
    CarryOver,
    Commitment,
    CommitmentStatus,
    ImprestAdvance,
    ImprestStatus,
)
from lofin.execution.testing import YEAR
from lofin.execution.tests.screens import AFTER, TODAY, base, build_world, client, counts, form_key, ko, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(db, travel):
    prepare(travel)


@pytest.fixture
def world(ex):
    return build_world(ex)


# --- year end -----------------------------------------------------------------------------------------------------


def test_the_year_end_page_states_the_dates_and_the_lapse_while_the_year_runs(world):
    ex = world
    c = client(ex.s.officer)
    response = c.get(f"{base(ex)}/{YEAR}/year-end/")
    dates = response.context["dates"]
    assert (dates["closing"], dates["exceptions"], dates["completion"], dates["stage"]) == (
        dt.date(YEAR, 12, 31),
        dt.date(YEAR + 1, 1, 20),
        dt.date(YEAR + 1, 2, 10),
        "running",
    )
    report = response.context["report"]
    # 990,000,000 won of appropriation (the 전용 request has taken 5,000,000 off 기초연금 until it is decided).
    assert (report.appropriation, report.paid, report.carried_out) == (985_000_000, 12_000_000, 0)
    assert report.lapsed == 985_000_000 - 12_000_000
    before = counts()
    refused = c.post(f"{base(ex)}/{YEAR}/year-end/", {"idempotency_key": "y" * 32})
    assert refused.context["form"].non_field_errors() == [
        ko("The lapse of %(year)s is computed after the fiscal year has ended.") % {"year": YEAR}
    ]
    assert counts() == before


def test_closing_the_year_records_the_lapse_once_per_form(world, travel):
    ex = world
    travel(AFTER)
    c = client(ex.s.officer)
    path = f"{base(ex)}/{YEAR}/year-end/"
    page = c.get(path)
    assert (page.context["dates"]["stage"], page.context["dates"]["provisional"]) == ("deciding", True)
    data = {"idempotency_key": form_key(page)}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    events = AuditEvent.objects.filter(action="execution.year.close", object_id=str(YEAR))
    assert [(e.data["lapsed"], e.data["provisional"]) for e in events.all()] == [(973_000_000, True)]
    # A new rendering of the form may close again, for the final figures.
    third = c.post(path, {"idempotency_key": form_key(c.get(path))})
    assert third.status_code == 302, third.context["form"].errors
    assert events.count() == 2


def test_the_lapse_downloads_as_xlsx_and_csv(world):

    ex = world
    c = client(ex.finance)
    response = c.get(f"{base(ex)}/{YEAR}/year-end/lapse.xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="lapse-1100000-{YEAR}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[-1][2:] == [985_000_000, 12_000_000, 0, 973_000_000]
    text = c.get(f"{base(ex)}/{YEAR}/year-end/lapse.csv").content.decode("utf-8")
    assert text.startswith("\ufeff") and text.rstrip().endswith(",985000000,12000000,0,973000000")
    assert c.get(f"{base(ex)}/{YEAR}/year-end/lapse.pdf").status_code == 404


def test_a_carry_over_before_the_year_has_ended_is_refused_and_writes_nothing(world):
    ex = world
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.senior.pk}/carry-over/"
    page = c.get(path)
    assert (
        ko("Today is %(today)s: %(year)s has not ended yet, so a carry-over would be refused.")
        % {
            "today": TODAY.isoformat(),
            "year": YEAR,
        }
        in page.context["rules"]
    )
    before = counts()
    data = {
        "kind": "accident",
        "commitment": str(ex.commitment.pk),
        "amount": "20,000,000",
        "reason": "준공 지연",
        "idempotency_key": "r" * 32,
    }
    refused = c.post(path, data)
    assert refused.context["form"].non_field_errors() == [
        ko("Carry-overs from %(year)s are decided after the fiscal year has ended.") % {"year": YEAR}
    ]
    assert counts() == before


def test_an_accident_carry_over_needs_a_commitment_and_carries_its_unpaid_part_once(world, travel):
    ex = world
    travel(AFTER)
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.senior.pk}/carry-over/"
    page = c.get(path)
    assert [v for v, _label in page.context["form"].fields["commitment"].choices] == ["", str(ex.commitment.pk)]
    before = counts()
    without = {"kind": "accident", "commitment": "", "amount": "20,000,000", "reason": "준공 지연"}
    refused = c.post(path, {**without, "idempotency_key": "w" * 32})
    assert refused.context["form"].errors["commitment"] == [
        ko("사고이월 carries the unpaid part of a commitment made in the year: name the commitment.")
    ]
    assert counts() == before
    too_much = c.post(
        path, {**without, "commitment": str(ex.commitment.pk), "amount": "20,000,001", "idempotency_key": "m" * 32}
    )
    assert too_much.context["form"].errors["amount"] == [
        ko("Only the unpaid part of the commitment can be carried: %(unpaid)s won.") % {"unpaid": "20,000,000"}
    ]
    assert counts() == before
    data = {**without, "commitment": str(ex.commitment.pk), "idempotency_key": form_key(page)}
    first = c.post(path, data)
    assert first.status_code == 302 and first["Location"].endswith(f"/execution/{YEAR}/year-end/")
    second = c.post(path, data)
    assert second.status_code == 302, second.context["form"].errors
    carry = CarryOver.objects.get()
    nxt = BudgetLine.objects.get(pk=carry.to_line_id)
    assert (carry.kind, carry.amount, nxt.year, nxt.carried_in, nxt.allocated, nxt.committed) == (
        "accident",
        20_000_000,
        YEAR + 1,
        20_000_000,
        20_000_000,
        20_000_000,
    )
    ex.commitment.refresh_from_db()
    assert (ex.commitment.amount, ex.commitment.paid_amount, ex.commitment.status) == (
        10_000_000,
        10_000_000,
        CommitmentStatus.ACTIVE,
    )
    carried = Commitment.objects.get(line=nxt)
    assert (carried.creditor, carried.amount, carried.committed_by_id) == ("한빛복지", 20_000_000, ex.finance.pk)
    year_end = c.get(f"{base(ex)}/{YEAR}/year-end/")
    row = next(r for r, _name in year_end.context["rows"] if r.line_id == ex.senior.pk)
    assert (row.appropriation, row.paid, row.carried_out, row.lapsed) == (
        385_000_000,
        10_000_000,
        20_000_000,
        355_000_000,
    )
    assert [c.pk for c, _commitment in year_end.context["carries"]] == [carry.pk]


def test_a_continuing_carry_over_without_a_continuing_expenditure_is_refused_at_the_kind(world, travel):
    ex = world
    travel(AFTER)
    c = client(ex.s.officer)
    before = counts()
    response = c.post(
        f"{base(ex)}/lines/{ex.senior.pk}/carry-over/",
        {"kind": "continuing", "commitment": "", "amount": "1,000,000", "reason": "x", "idempotency_key": "q" * 32},
    )
    assert "kind" in response.context["form"].errors
    assert counts() == before


# --- 일상경비 -----------------------------------------------------------------------------------------------------


def test_the_imprest_page_lists_advances_and_commitments_to_cashiers(world):
    ex = world
    response = client(ex.disburser).get(f"{base(ex)}/{YEAR}/imprest/")
    assert [a.pk for a, _kind in response.context["advances"]] == [ex.advance.pk]
    assert response.context["waiting"] == [(ex.imprest_commitment, 3_000_000)]
    html = response.content.decode()
    assert f"/commitments/{ex.imprest_commitment.pk}/imprest/" in html and f"/imprest/{ex.advance.pk}/settle/" in html
    assert "10,000,000원" in html and "20,000,000원" in html  # the caps


def test_an_imprest_advance_from_the_screen_is_made_once_and_the_cap_is_shown_at_the_amount(world):
    ex = world
    c = client(ex.disburser)
    path = f"{base(ex)}/commitments/{ex.imprest_commitment.pk}/imprest/"
    page = c.get(path)
    assert (page.context["form"].initial["cashier"], page.context["form"].initial["amount"]) == ("chulnap", "3,000,000")
    data = {
        "cashier": "chulnap",
        "kind": "travel",
        "amount": "3,000,000",
        "office": "D100",
        "payee_bank": "금고",
        "payee_account": "110220330440",
        "advanced_on": f"{YEAR}-11-25",
        "idempotency_key": form_key(page),
    }
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    assert ImprestAdvance.objects.filter(payment__commitment=ex.imprest_commitment).count() == 2
    assert ImprestAdvance.objects.exclude(pk=ex.advance.pk).get().amount == 3_000_000
    # A commitment large enough for a cap to matter: 여비 is capped at 10,000,000 won per advance.
    big = commitments.do_commit(
        ex.pension, amount=15_000_000, creditor="chulnap", purpose="일상경비", actor=ex.finance, idempotency_key="c3"
    )
    before = counts()
    over = c.post(
        f"{base(ex)}/commitments/{big.pk}/imprest/", {**data, "amount": "10,000,001", "idempotency_key": "o" * 32}
    )
    assert over.context["form"].errors["amount"] == [
        ko("An imprest advance for this kind of expense may be at most %(cap)s won (지방회계법 시행령 §38).")
        % {"cap": "10,000,000"}
    ]
    assert counts() == before


def test_settling_an_advance_returns_the_unused_money_to_the_line(world):
    ex = world
    c = client(ex.disburser)
    path = f"{base(ex)}/imprest/{ex.advance.pk}/settle/"
    before = counts()
    wrong = c.post(
        path, {"spent": "1,500,000", "returned": "400,000", "returned_on": f"{YEAR}-11-26", "idempotency_key": "w" * 32}
    )
    assert wrong.context["form"].errors["returned"] == [
        ko("Spent and returned money must add up to the advance: %(amount)s won.") % {"amount": "2,000,000"}
    ]
    assert counts() == before
    data = {"spent": "1,500,000", "returned": "500,000", "returned_on": f"{YEAR}-11-26", "idempotency_key": "s" * 32}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    ex.advance.refresh_from_db()
    ex.pension.refresh_from_db()
    assert (ex.advance.status, ex.advance.spent_amount, ex.advance.returned_amount) == (
        ImprestStatus.SETTLED,
        1_500_000,
        500_000,
    )
    assert ex.pension.paid == 1_500_000
    assert c.get(path).context["unavailable"] == ko("This advance has already been settled.")
