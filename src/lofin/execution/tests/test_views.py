"""The execution screens, driven with Django's test client (the browser suite walks them in Chromium)."""

import csv
import io
import threading

import pytest
from django.db import connections
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from lofin.core import actions as core_actions
from lofin.core import testing
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.actions import appropriations, commitments, offices, payments, revenue
from lofin.execution.models import (
    Allocation,
    AllocationKind,
    Assessment,
    BudgetLine,
    Commitment,
    CommitmentStatus,
    Office,
    PaymentOrder,
    Receipt,
    Transfer,
    Withholding,
)
from lofin.execution.testing import YEAR, build_execution
from lofin.execution.tests.screens import base, client, form_key, ko

pytestmark = pytest.mark.django_db


def counts():
    return (
        Allocation.objects.count(),
        Commitment.objects.count(),
        PaymentOrder.objects.count(),
        Assessment.objects.count(),
        Receipt.objects.count(),
        Transfer.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def funded(ex):
    appropriations.do_allocate(ex.senior, amount=100_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=50_000_000, actor=ex.s.officer)
    ex.revenue = testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu", dept=ex.s.budget_office)
    ex.commitment = commitments.do_commit(
        ex.senior,
        amount=30_000_000,
        creditor="한빛복지",
        purpose="경로당 운영비",
        actor=ex.finance,
        idempotency_key="c1",
    )
    ex.assessment = revenue.do_assess(
        ex.s.general, revenue_code="111", payer_name="김납세", amount=1_200_000, actor=ex.revenue, idempotency_key="a1"
    )
    return ex


# --- every screen, and who may see it ------------------------------------------------------------------------


def pages(ex):
    """(path, permission the page needs) for every screen."""
    b = base(ex)
    return [
        (f"{b}/{YEAR}/", "view"),
        (f"{b}/{YEAR}/lines.xlsx", "view"),
        (f"{b}/{YEAR}/lines.csv", "view"),
        (f"{b}/{YEAR}/offices/", "view"),
        (f"{b}/{YEAR}/revenue/", "view"),
        (f"{b}/{YEAR}/transfers/", "view"),
        (f"{b}/lines/{ex.senior.pk}/", "view"),
        (f"{b}/lines/{ex.senior.pk}/allocate/", "allocate"),
        (f"{b}/lines/{ex.senior.pk}/commit/", "commit"),
        (f"{b}/lines/{ex.senior.pk}/transfer/", "transfer"),
        (f"{b}/commitments/{ex.commitment.pk}/pay/", "pay"),
        (f"{b}/commitments/{ex.commitment.pk}/cancel/", "commit"),
        (f"{b}/{YEAR}/revenue/assess/", "revenue"),
        (f"{b}/assessments/{ex.assessment.pk}/receipt/", "receive"),
    ]


def people(ex):
    """Each person and the permissions their role gives (access.py)."""
    busan = testing.government("2600000")
    return {
        "officer": (ex.s.officer, {"view", "allocate", "transfer"}),
        "jaemu": (ex.finance, {"view", "commit"}),
        "jichul": (ex.disburser, {"view", "pay"}),
        "chulnap": (ex.cashier, {"view", "receive"}),
        "jingsu": (ex.revenue, {"view", "revenue", "receive"}),
        "welfare": (ex.s.welfare_staff, {"view"}),
        "resident": (testing.official(ex.s.gov, Role.RESIDENT, username="resident"), set()),
        "outsider": (testing.official(busan, Role.BUDGET_OFFICER, Role.FINANCE_OFFICER, username="busan"), None),
    }


def test_every_screen_answers_each_role_as_the_permissions_say(funded):
    ex = funded
    for name, (user, allowed) in people(ex).items():
        c = client(user)
        for path, needed in pages(ex):
            status = c.get(path).status_code
            expected = 404 if allowed is None else 200 if needed in allowed else 403
            assert status == expected, (name, path, status)


def test_posting_without_the_role_or_from_another_government_writes_nothing(funded):
    ex = funded
    clients = {name: client(user) for name, (user, _allowed) in people(ex).items()}
    before = counts()
    b = base(ex)
    posts = [
        (f"{b}/lines/{ex.senior.pk}/allocate/", {"amount": "1000", "kind": "monthly", "period": "1"}),
        (f"{b}/lines/{ex.senior.pk}/commit/", {"amount": "1000", "creditor": "x", "purpose": "y", "kind": "normal"}),
        (f"{b}/commitments/{ex.commitment.pk}/pay/", {"amount": "1000", "payee_name": "한빛복지"}),
        (f"{b}/commitments/{ex.commitment.pk}/cancel/", {"reason": "x"}),
        (f"{b}/{YEAR}/offices/", {"office": ex.disbursing_office.pk, f"o{ex.disbursing_office.pk}-amount": "1000"}),
    ]
    for name in ("welfare", "resident", "outsider", "chulnap"):
        for path, data in posts:
            status = clients[name].post(path, {**data, "idempotency_key": "k" * 16}).status_code
            assert status == (404 if name == "outsider" else 403), (name, path)
    assert counts() == before


def test_a_line_of_another_government_is_absent_under_this_governments_address(funded):
    ex = funded
    busan = testing.government("2600000")
    outsider = testing.official(busan, Role.BUDGET_OFFICER, username="busan")
    response = client(outsider).get(f"/g/2600000/execution/lines/{ex.senior.pk}/")
    assert response.status_code == 404


def test_the_entry_opens_the_current_year(funded):
    response = client(funded.s.officer).get(base(funded) + "/")
    assert response.status_code == 302 and response["Location"].endswith(f"/execution/{YEAR}/")


# --- the execution table ------------------------------------------------------------------------------------


def test_the_table_shows_each_line_and_the_totals_in_won(funded):
    ex = funded
    response = client(ex.finance).get(f"{base(ex)}/{YEAR}/")
    rows = {r["id"]: r for r in response.context["rows"]}
    senior = rows[ex.senior.pk]
    assert (senior["appropriation"], senior["allocated"], senior["committed"], senior["paid"]) == (
        385_000_000,
        100_000_000,
        30_000_000,
        0,
    )
    assert (senior["available"], senior["uncommitted"]) == (70_000_000, 355_000_000)
    totals = response.context["totals"]
    assert totals["appropriation"] == 990_000_000
    assert totals["committed"] == 30_000_000
    html = response.content.decode()
    assert "385,000,000원" in html and "990,000,000원" in html


def test_the_table_filters_by_department_and_search_and_answers_htmx_with_the_fragment(funded):
    ex = funded
    c = client(ex.finance)
    welfare = c.get(f"{base(ex)}/{YEAR}/?department=3100").context["rows"]
    assert {r["project"] for r in welfare} == {"기초연금 지급", "경로당 운영 지원"}
    found = c.get(f"{base(ex)}/{YEAR}/?q=경로당").context["rows"]
    assert [r["id"] for r in found] == [ex.senior.pk]
    assert c.get(f"{base(ex)}/{YEAR}/?account=999").context["totals"]["appropriation"] == 0
    fragment = c.get(f"{base(ex)}/{YEAR}/?q=경로당", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="lines">') and "<html" not in fragment
    assert "q=%EA%B2%BD%EB%A1%9C%EB%8B%B9" in fragment  # the downloads keep the filter


def test_the_table_downloads_as_xlsx_and_csv_with_the_filter(funded):

    ex = funded
    c = client(ex.finance)
    response = c.get(f"{base(ex)}/{YEAR}/lines.xlsx?q=경로당")
    assert response["Content-Disposition"] == f'attachment; filename="execution-1100000-{YEAR}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[2][0] == "100-D112-307-02"
    assert values[2][5:] == [385_000_000, 100_000_000, 30_000_000, 0, 70_000_000, 355_000_000]
    assert values[3][5] == 385_000_000  # the totals row
    text = c.get(f"{base(ex)}/{YEAR}/lines.csv").content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 3 + 1
    assert rows[-1][5:] == ["990000000", "100000000", "30000000", "0", "70000000", "960000000"]
    assert c.get(f"{base(ex)}/{YEAR}/lines.pdf").status_code == 404


def test_the_line_shows_its_allocations_commitments_payments_and_transfers(funded):
    ex = funded
    payments.do_issue_payment(
        ex.commitment,
        amount=10_000_000,
        payee_name="한빛복지",
        payee_bank="국민은행",
        payee_account="123-456-789012",
        office=ex.disbursing_office,
        withholdings=[("income_tax", 300_000)],
        actor=ex.disburser,
        idempotency_key="p1",
    )
    response = client(ex.disburser).get(f"{base(ex)}/lines/{ex.senior.pk}/")
    html = response.content.decode()
    assert [a.amount for a in response.context["allocations"]] == [100_000_000]
    assert "<td>1월</td>" in html  # the period as people say it, not a bare "1"
    assert response.context["commitments"] == [(ex.commitment, 20_000_000)]
    assert [(p.net_amount, len(withheld)) for p, withheld in response.context["payments"]] == [(9_700_000, 1)]
    assert f"{YEAR}-0000001" in html
    assert f"/execution/commitments/{ex.commitment.pk}/pay/" in html  # 지출원 may order the rest
    assert f"/execution/commitments/{ex.commitment.pk}/cancel/" not in html  # but not cancel


# --- 예산배정 -------------------------------------------------------------------------------------------------------


def test_an_allocation_from_the_screen_is_made_once_however_often_the_form_is_sent(funded):
    ex = funded
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.pension.pk}/allocate/"
    key = form_key(c.get(path))
    data = {"amount": "150,000,000", "kind": "monthly", "period": "3", "idempotency_key": key}
    first = c.post(path, data)
    assert first.status_code == 302 and first["Location"].endswith(f"/lines/{ex.pension.pk}/")
    again = c.post(path, data)
    assert again.status_code == 302
    ex.pension.refresh_from_db()
    assert ex.pension.allocated == 150_000_000
    assert Allocation.objects.filter(line=ex.pension).count() == 1
    assert AuditEvent.objects.filter(action="execution.allocate").count() == 2  # the fixture's and this one
    # The same form sent with another amount is refused rather than taken as a new allocation.
    reused = c.post(path, {**data, "amount": "1000"})
    assert reused.status_code == 200
    assert reused.context["form"].non_field_errors()
    assert Allocation.objects.filter(line=ex.pension).count() == 1


def test_over_allocation_is_shown_next_to_the_amount_and_writes_nothing(funded):
    ex = funded
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.senior.pk}/allocate/"
    before = counts()
    response = c.post(path, {"amount": "285000001", "kind": "monthly", "period": "1", "idempotency_key": "k" * 32})
    assert response.status_code == 200
    errors = response.context["form"].errors["amount"]
    assert errors == [ko("The allocation would exceed the line's appropriation (예산현액).")]
    assert counts() == before
    ex.senior.refresh_from_db()
    assert ex.senior.allocated == 100_000_000


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "abc"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1.5"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount": "1" + "0" * 16}, "amount"),
        ({"amount": "1000", "period": "13"}, "period"),
        ({"amount": "1000", "kind": "weekly"}, "kind"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(funded, data, field):
    ex = funded
    officer = client(ex.s.officer)
    before = counts()
    response = officer.post(
        f"{base(ex)}/lines/{ex.senior.pk}/allocate/",
        {"kind": "monthly", "period": "1", "idempotency_key": "k" * 32, **data},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert counts() == before


def test_a_quarter_beyond_four_is_refused_by_the_action_next_to_the_period(funded):
    ex = funded
    response = client(ex.s.officer).post(
        f"{base(ex)}/lines/{ex.senior.pk}/allocate/",
        {"amount": "1000", "kind": "quarterly", "period": "5", "idempotency_key": "k" * 32},
    )
    assert response.context["form"].errors["period"] == [ko("Choose a month (1–12) or a quarter (1–4).")]


# --- 지출원인행위, 지급명령, cancellation -------------------------------------------------------------------------


def test_a_commitment_then_a_payment_order_with_withholdings_by_another_person(funded):
    ex = funded
    path = f"{base(ex)}/lines/{ex.senior.pk}/commit/"
    jaemu = client(ex.finance)
    data = {
        "amount": "40,000,000",
        "creditor": "(주)늘봄",
        "purpose": "경로당 냉난방비",
        "kind": "normal",
        "committed_on": f"{YEAR}-11-20",
        "idempotency_key": form_key(jaemu.get(path)),
    }
    assert jaemu.post(path, data).status_code == 302
    assert jaemu.post(path, data).status_code == 302  # a double submit
    commitment = Commitment.objects.get(creditor="(주)늘봄")
    ex.senior.refresh_from_db()
    assert ex.senior.committed == 70_000_000

    jichul = client(ex.disburser)
    pay = f"{base(ex)}/commitments/{commitment.pk}/pay/"
    page = jichul.get(pay)
    assert page.context["form"].initial["amount"] == "40,000,000"
    order = {
        "office": "D100",
        "amount": "25,000,000",
        "payee_name": "늘봄",
        "payee_bank": "국민은행",
        "payee_account": "123-45-678901",
        "issued_on": f"{YEAR}-11-25",
        "wh_0_kind": "income_tax",
        "wh_0_amount": "750,000",
        "wh_1_kind": "local_income_tax",
        "wh_1_amount": "75,000",
        "wh_2_kind": "",
        "wh_2_amount": "",
        "idempotency_key": form_key(page),
    }
    assert jichul.post(pay, order).status_code == 302
    assert jichul.post(pay, order).status_code == 302  # a double submit
    payment = PaymentOrder.objects.get(commitment=commitment)
    assert (payment.amount, payment.withholding_amount, payment.net_amount) == (25_000_000, 825_000, 24_175_000)
    assert sorted(Withholding.objects.filter(payment=payment).values_list("kind", "amount")) == [
        ("income_tax", 750_000),
        ("local_income_tax", 75_000),
    ]
    ex.senior.refresh_from_db()
    assert (ex.senior.committed, ex.senior.paid) == (70_000_000, 25_000_000)
    dashboard = client(ex.s.officer).get(f"{base(ex)}/{YEAR}/")
    row = next(r for r in dashboard.context["rows"] if r["id"] == ex.senior.pk)
    assert (row["allocated"], row["committed"], row["paid"], row["available"]) == (
        100_000_000,
        70_000_000,
        25_000_000,
        30_000_000,
    )


def _payment(ex, **changes):
    data = {
        "office": "D100",
        "amount": "1,000,000",
        "payee_name": "한빛복지",
        "payee_bank": "국민은행",
        "payee_account": "123456789012",
        "issued_on": f"{YEAR}-11-25",
        "idempotency_key": "k" * 32,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"payee_name": "다른회사"},
            "payee_name",
            "The payee must be the creditor of the commitment (지방회계법 §33).",
        ),
        ({"amount": "30,000,001"}, "amount", "The payment exceeds what remains unpaid on the commitment."),
        # The form's account number field (core.fields) refuses it before the action is asked.
        (
            {"payee_account": "12"},
            "payee_account",
            "Enter the account number in digits (hyphens allowed), 6 to 20 digits.",
        ),
        ({"wh_0_kind": "income_tax", "wh_0_amount": "1,000,000"}, "wh_0_amount", None),
        ({"wh_0_kind": "income_tax"}, "wh_0_amount", "Enter the amount withheld."),
        ({"issued_on": "2031-02-01"}, "issued_on", None),
    ],
)
def test_a_refused_payment_order_says_why_next_to_the_field(funded, changes, field, message):
    ex = funded
    jichul = client(ex.disburser)
    before = counts()
    response = jichul.post(f"{base(ex)}/commitments/{ex.commitment.pk}/pay/", _payment(ex, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert errors[field] == [ko(message)]
    assert counts() == before


def test_a_payment_beyond_the_ceiling_is_refused_at_the_amount(funded):
    ex = funded
    Office.objects.filter(pk=ex.disbursing_office.pk).update(limit_amount=500_000)
    response = client(ex.disburser).post(f"{base(ex)}/commitments/{ex.commitment.pk}/pay/", _payment(ex))
    assert response.context["form"].errors["amount"] == [
        ko("The payment exceeds the disbursing office's payment ceiling (지출한도).")
    ]
    assert not PaymentOrder.objects.exists()


def test_the_finance_officer_who_committed_cannot_order_the_payment(funded):
    ex = funded
    core_actions.do_grant_membership(
        ex.finance, role=Role.DISBURSING_OFFICER, government=ex.s.gov, actor=testing.bootstrap_operator()
    )
    response = client(ex.finance).post(f"{base(ex)}/commitments/{ex.commitment.pk}/pay/", _payment(ex))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        ko("You made this commitment as 재무관, so you cannot also order its payment (지방회계법 §36).")
    ]
    assert not PaymentOrder.objects.exists()


def test_cancelling_a_commitment_releases_it_once(funded):
    ex = funded
    c = client(ex.finance)
    path = f"{base(ex)}/commitments/{ex.commitment.pk}/cancel/"
    data = {"reason": "사업 취소", "idempotency_key": form_key(c.get(path))}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302  # the second submission answers like the first
    ex.commitment.refresh_from_db()
    ex.senior.refresh_from_db()
    assert (ex.commitment.status, ex.senior.committed) == (CommitmentStatus.CANCELLED, 0)
    assert AuditEvent.objects.filter(action="execution.commitment.cancel").count() == 1
    assert c.get(path).context["cancellable"] is False
    refused = c.post(path, {"reason": "", "idempotency_key": "n" * 32})
    assert "reason" in refused.context["form"].errors


def test_cash_is_allocated_to_a_disbursing_office_once_per_form(funded):
    ex = funded
    c = client(ex.s.officer)
    path = f"{base(ex)}/{YEAR}/offices/"
    office = ex.disbursing_office
    forms = {o.pk: form for o, form, _remaining in c.get(path).context["offices"]}
    key = forms[office.pk].key
    data = {"office": office.pk, f"o{office.pk}-amount": "20,000,000", "idempotency_key": key}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    office.refresh_from_db()
    assert office.limit_amount == 70_000_000
    bad = c.post(path, {"office": office.pk, f"o{office.pk}-amount": "zero", "idempotency_key": "z" * 32})
    forms = {o.pk: form for o, form, _remaining in bad.context["offices"]}
    assert bad.status_code == 200 and "amount" in forms[office.pk].errors


# --- revenue ------------------------------------------------------------------------------------------------


def test_revenue_is_decided_and_received_from_the_screens(funded):
    ex = funded
    c = client(ex.revenue)
    path = f"{base(ex)}/{YEAR}/revenue/assess/"
    data = {
        "account": "100",
        "revenue_code": "111",
        "kind": "notice",
        "payer_name": "박주민",
        "amount": "2,500,000",
        "assessed_on": f"{YEAR}-11-20",
        "idempotency_key": form_key(c.get(path)),
    }
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    assessment = Assessment.objects.get(payer_name="박주민")
    assert (assessment.amount, assessment.year) == (2_500_000, YEAR)

    receipt = f"{base(ex)}/assessments/{assessment.pk}/receipt/"
    page = c.get(receipt)
    assert page.context["form"].initial["amount"] == "2,500,000"
    paid = {"amount": "1,000,000", "received_on": f"{YEAR}-11-24", "channel": "treasury"}
    paid["idempotency_key"] = form_key(page)
    assert c.post(receipt, paid).status_code == 302
    assert c.post(receipt, paid).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.collected_amount, Receipt.objects.filter(assessment=assessment).count()) == (1_000_000, 1)
    over = c.post(receipt, {**paid, "amount": "1,500,001", "idempotency_key": "o" * 32})
    assert "amount" in over.context["form"].errors
    listing = c.get(f"{base(ex)}/{YEAR}/revenue/").context
    assert listing["totals"] == {"amount": 3_700_000, "collected": 1_000_000, "outstanding": 2_700_000}


def test_the_revenue_officer_cannot_take_cash_as_cashier(funded):
    ex = funded
    response = client(ex.revenue).post(
        f"{base(ex)}/assessments/{ex.assessment.pk}/receipt/",
        {"amount": "1000", "received_on": f"{YEAR}-11-24", "channel": "cashier", "idempotency_key": "c" * 32},
    )
    assert response.status_code == 200
    assert "channel" in response.context["form"].errors
    assert not Receipt.objects.exists()


def test_an_unknown_revenue_item_is_refused_next_to_the_item(funded):
    ex = funded
    response = client(ex.revenue).post(
        f"{base(ex)}/{YEAR}/revenue/assess/",
        {
            "account": "100",
            "revenue_code": "999",
            "kind": "notice",
            "payer_name": "x",
            "amount": "1000",
            "assessed_on": f"{YEAR}-11-20",
            "idempotency_key": "r" * 32,
        },
    )
    assert "revenue_code" in response.context["form"].errors


# --- transfers ------------------------------------------------------------------------------------------------


def test_a_virement_is_requested_on_its_approval_line(funded):
    ex = funded
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.pension.pk}/transfer/"
    page = c.get(path)
    assert ("100-D112-307-02", "경로당 운영 지원 / 민간경상사업보조") in page.context["suggestions"]
    assert page.context["movable"] == 600_000_000
    data = {
        "kind": "virement",
        "to_line": "100-D112-307-02",
        "amount": "5,000,000",
        "reason": "경로당 추가 지원",
        "idempotency_key": form_key(page),
    }
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.from_line_id, transfer.to_line_id, transfer.amount) == (ex.pension.pk, ex.senior.pk, 5_000_000)
    assert transfer.approval.steps.count() >= 2
    ex.pension.refresh_from_db()
    assert ex.pension.appropriation == 595_000_000
    listing = c.get(f"{base(ex)}/{YEAR}/transfers/")
    assert [t.pk for t, _s, _t in listing.context["transfers"]] == [transfer.pk]


def test_a_transfer_to_an_unknown_line_or_beyond_the_source_is_refused(funded):
    ex = funded
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.senior.pk}/transfer/"
    data = {
        "kind": "virement",
        "to_line": "100-D999-307-02",
        "amount": "1000",
        "reason": "x",
        "idempotency_key": "t" * 32,
    }
    assert "to_line" in c.post(path, data).context["form"].errors
    too_much = {**data, "to_line": "100-D111-301-01", "amount": "285,000,001"}
    assert "amount" in c.post(path, too_much).context["form"].errors
    assert not Transfer.objects.exists()
    assert BudgetLine.objects.get(pk=ex.senior.pk).appropriation == 385_000_000


# --- a form sent by several requests at once --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_allocation_form_sent_eight_times_at_once_allocates_once():

    FORM_OBJECT = "execution.form"

    ex = build_execution()
    path = f"{base(ex)}/lines/{ex.senior.pk}/allocate/"
    data = {"amount": "10,000,000", "kind": "monthly", "period": "11", "idempotency_key": "same-form-" + "x" * 22}
    clients = [client(ex.s.officer) for _ in range(8)]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(c: Client) -> None:
        try:
            start.wait()
            statuses.append(c.post(path, data).status_code)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert statuses == [302] * 8
    ex.senior.refresh_from_db()
    assert ex.senior.allocated == 10_000_000
    assert Allocation.objects.filter(line=ex.senior).count() == 1
    assert AuditEvent.objects.filter(object_type=FORM_OBJECT).count() == 1


def test_an_allocation_period_reads_as_a_quarter_or_a_month():
    with translation.override("ko"):
        assert Allocation(kind=AllocationKind.QUARTERLY, period=4).period_label == "4분기"
        assert Allocation(kind=AllocationKind.MONTHLY, period=11).period_label == "11월"
    with translation.override("en"):
        assert Allocation(kind=AllocationKind.QUARTERLY, period=4).period_label == "Q4"
