"""The execution screens added after the first ones: offices and 재배정, 반납, the revenue after the decision (납입고지,
입금, 과오납 환급), withdrawing a transfer and the council report, 지출결의, and forms sent twice at once (the year end
and 일상경비 are in test_views_yearend.py). Driven with Django's test client; the browser suite walks the year end in
Chromium."""

import datetime as dt
import io
import threading

import pytest
from django.db import connections
from django.test import Client
from openpyxl import load_workbook

from lofin.core import testing
from lofin.core.approvals import actions as approvals
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.actions import appropriations, commitments, offices, revenue
from lofin.execution.models import (
    Assessment,
    BudgetLine,
    ExpenditureResolution,
    Office,
    OfficeKind,
    OverpaymentRefund,
    PaymentOrder,
    Refund,
    SubAllocation,
    TransferStatus,
)
from lofin.execution.testing import YEAR, build_execution
from lofin.execution.tests.screens import AFTER, FORM_OBJECT, base, build_world, client, counts, form_key, ko, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(db, travel):
    prepare(travel)


@pytest.fixture
def world(ex):
    return build_world(ex)


# --- who may open what -----------------------------------------------------------------------------------------


def pages(ex):
    """(path, permission the page needs) for every new screen."""
    b = base(ex)
    return [
        (f"{b}/{YEAR}/offices/new/", "cash"),
        (f"{b}/lines/{ex.senior.pk}/sub-allocate/", "allocate"),
        (f"{b}/lines/{ex.senior.pk}/carry-over/", "allocate"),
        (f"{b}/payments/{ex.payment.pk}/refund/", "pay"),
        (f"{b}/{YEAR}/year-end/", "view"),
        (f"{b}/{YEAR}/year-end/lapse.xlsx", "view"),
        (f"{b}/{YEAR}/year-end/lapse.csv", "view"),
        (f"{b}/{YEAR}/imprest/", "view"),
        (f"{b}/commitments/{ex.imprest_commitment.pk}/imprest/", "pay"),
        (f"{b}/imprest/{ex.advance.pk}/settle/", "pay"),
        (f"{b}/transfers/{ex.transfer.pk}/withdraw/", "transfer"),
        (f"{b}/{YEAR}/transfers/report/1/", "view"),
        (f"{b}/{YEAR}/transfers/report/4.xlsx", "view"),
        (f"{b}/assessments/{ex.assessment.pk}/", "view"),
        (f"{b}/assessments/{ex.assessment.pk}/notice/", "revenue"),
        (f"{b}/receipts/{ex.receipt.pk}/deposit/", "cashier"),
        (f"{b}/receipts/{ex.receipt.pk}/refund/", "revenue"),
        (f"{b}/commitments/{ex.commitment.pk}/resolve/", "commit"),
    ]


def people(ex):
    """Each person and the permissions their role gives (access.py)."""
    busan = testing.government("2600000")
    return {
        "officer": (ex.s.officer, {"view", "allocate", "transfer", "cash"}),
        "jaemu": (ex.finance, {"view", "commit", "cash"}),
        "jichul": (ex.disburser, {"view", "pay"}),
        "chulnap": (ex.cashier, {"view", "cashier"}),
        "jingsu": (ex.revenue, {"view", "revenue"}),
        "welfare": (ex.s.welfare_staff, {"view"}),
        "resident": (testing.official(ex.s.gov, Role.RESIDENT, username="resident"), set()),
        "outsider": (testing.official(busan, Role.BUDGET_OFFICER, Role.DISBURSING_OFFICER, username="busan"), None),
    }


def test_every_new_screen_answers_each_role_as_the_permissions_say(world):
    ex = world
    for name, (user, allowed) in people(ex).items():
        c = client(user)
        for path, needed in pages(ex):
            status = c.get(path).status_code
            expected = 404 if allowed is None else 200 if needed in allowed else 403
            assert status == expected, (name, path, status)


def test_posting_the_new_forms_without_the_role_or_from_another_government_writes_nothing(world):
    ex = world
    b = base(ex)
    posts = [
        (f"{b}/{YEAR}/offices/new/", {"code": "S900", "name": "x", "kind": "sub_finance"}),
        (f"{b}/lines/{ex.senior.pk}/sub-allocate/", {"office": "1", "amount": "1000"}),
        (f"{b}/lines/{ex.senior.pk}/carry-over/", {"kind": "explicit", "amount": "1000", "reason": "x"}),
        (f"{b}/payments/{ex.payment.pk}/refund/", {"amount": "1000", "received_on": f"{YEAR}-11-26"}),
        (f"{b}/{YEAR}/year-end/", {}),
        (f"{b}/imprest/{ex.advance.pk}/settle/", {"spent": "2000000", "returned": "0"}),
        (f"{b}/transfers/{ex.transfer.pk}/withdraw/", {}),
        (f"{b}/assessments/{ex.assessment.pk}/notice/", {"notice_on": f"{YEAR}-11-26"}),
        (f"{b}/receipts/{ex.receipt.pk}/deposit/", {"deposited_on": f"{YEAR}-11-25"}),
        (f"{b}/receipts/{ex.receipt.pk}/refund/", {"amount": "1000", "reason": "x", "refunded_on": f"{YEAR}-11-26"}),
        (
            f"{b}/commitments/{ex.commitment.pk}/resolve/",
            {"amount": "1000", "claim_number": "x", "claimed_on": f"{YEAR}-11-26", "claim_amount": "1000"},
        ),
    ]
    everyone = people(ex)
    clients = {name: client(everyone[name][0]) for name in ("welfare", "resident", "outsider")}
    before = counts()
    notice_before = Assessment.objects.values_list("notice_on", flat=True).get(pk=ex.assessment.pk)
    for name, c in clients.items():
        for path, data in posts:
            status = c.post(path, {**data, "idempotency_key": "k" * 16}).status_code
            assert status == (404 if name == "outsider" else 403), (name, path)
    assert counts() == before
    assert Assessment.objects.values_list("notice_on", flat=True).get(pk=ex.assessment.pk) == notice_before


# --- offices and 재배정 ---------------------------------------------------------------------------------------------


def test_an_office_is_set_up_once_per_form_and_a_taken_code_is_refused_at_the_code(world):
    ex = world
    c = client(ex.s.officer)
    path = f"{base(ex)}/{YEAR}/offices/new/"
    data = {
        "code": "S210",
        "name": "복지국 분임재무관",
        "kind": "sub_finance",
        "staff_count": "3",
        "idempotency_key": form_key(c.get(path)),
    }
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302  # a double submit answers like the first
    office = Office.objects.get(government=ex.s.gov, year=YEAR, code="S210")
    # R-EX-3: the office's 정원 is data from the form.
    assert (office.name, office.kind, office.staff_count) == ("복지국 분임재무관", "sub_finance", 3)
    assert AuditEvent.objects.filter(action="execution.office.create", object_id=str(office.pk)).count() == 1
    before = counts()
    again = c.post(path, {**data, "idempotency_key": "n" * 32})
    assert again.status_code == 200
    assert again.context["form"].errors["code"] == [ko("An office with this code exists already.")]
    assert counts() == before
    assert "S210" in c.get(f"{base(ex)}/{YEAR}/offices/").content.decode()


def test_sub_allocation_hands_on_uncommitted_allocation_once_per_form(world):
    ex = world
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.senior.pk}/sub-allocate/"
    assert c.get(path).context["unavailable"]  # no 분임재무관 office yet
    sub = offices.do_create_office(
        ex.s.gov, year=YEAR, code="S210", name="복지국 분임재무관", kind=OfficeKind.SUB_FINANCE, actor=ex.s.officer
    )
    page = c.get(path)
    assert page.context["unavailable"] is None
    data = {"office": str(sub.pk), "amount": "40,000,000", "idempotency_key": form_key(page)}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    ex.senior.refresh_from_db()
    assert (ex.senior.allocated, ex.senior.committed, ex.senior.sub_allocated) == (100_000_000, 30_000_000, 40_000_000)
    assert SubAllocation.objects.get(line=ex.senior, office=sub).amount == 40_000_000
    # 100,000,000 allocated − 30,000,000 committed − 40,000,000 handed on leaves 30,000,000.
    before = counts()
    over = c.post(path, {**data, "amount": "30,000,001", "idempotency_key": "o" * 32})
    assert over.context["form"].errors["amount"] == [ko("The line's allocation does not cover this amount.")]
    assert counts() == before
    line = c.get(f"{base(ex)}/lines/{ex.senior.pk}/")
    assert [(s.office.code, s.amount) for s in line.context["sub_allocations"]] == [("S210", 40_000_000)]
    assert f"/lines/{ex.senior.pk}/sub-allocate/" in line.content.decode()


# --- 반납 -----------------------------------------------------------------------------------------------------


def test_money_coming_back_in_the_year_restores_the_line_once_per_form(world):
    ex = world
    c = client(ex.disburser)
    path = f"{base(ex)}/payments/{ex.payment.pk}/refund/"
    page = c.get(path)
    assert page.context["form"].initial["amount"] == "10,000,000"
    assert page.context["returnable"] == 10_000_000
    data = {"amount": "3,000,000", "received_on": f"{YEAR}-11-26", "idempotency_key": form_key(page)}
    first = c.post(path, data)
    assert first.status_code == 302 and first["Location"].endswith(f"/lines/{ex.senior.pk}/")
    assert c.post(path, data).status_code == 302
    ex.senior.refresh_from_db()
    ex.payment.refresh_from_db()
    assert (ex.senior.paid, ex.payment.refunded_amount, Refund.objects.count()) == (7_000_000, 3_000_000, 1)
    assert Refund.objects.get().restored_line is True
    before = counts()
    over = c.post(path, {**data, "amount": "7,000,001", "idempotency_key": "o" * 32})
    assert over.context["form"].errors["amount"] == [ko("More cannot come back than was paid.")]
    assert counts() == before
    line = c.get(f"{base(ex)}/lines/{ex.senior.pk}/").content.decode()
    assert f"/payments/{ex.payment.pk}/refund/" in line


def test_money_coming_back_after_20_january_is_revenue_and_leaves_the_line(world, travel):
    ex = world
    travel(dt.date(YEAR + 1, 1, 21))
    c = client(ex.disburser)
    path = f"{base(ex)}/payments/{ex.payment.pk}/refund/"
    data = {"amount": "1,000,000", "received_on": f"{YEAR + 1}-01-21", "idempotency_key": "late" + "x" * 28}
    response = c.post(path, data, follow=True)
    assert (
        ko("%(amount)s won came back too late for the line and are recorded as revenue of the year.")
        % {"amount": "1,000,000"}
        in response.content.decode()
    )
    ex.senior.refresh_from_db()
    assert (ex.senior.paid, Refund.objects.get().restored_line) == (10_000_000, False)


# --- 세입: 납입고지, 입금, 과오납 환급 ---------------------------------------------------------------------------------


def test_a_notice_sets_the_due_date_15_days_on_and_is_sent_once_per_form(world):
    ex = world
    c = client(ex.revenue)
    path = f"{base(ex)}/assessments/{ex.assessment.pk}/notice/"
    page = c.get(path)
    data = {"notice_on": f"{YEAR}-11-26", "fixed_due_on": "", "idempotency_key": form_key(page)}
    first = c.post(path, data)
    assert first.status_code == 302 and first["Location"].endswith(f"/assessments/{ex.assessment.pk}/")
    assert c.post(path, data).status_code == 302
    ex.assessment.refresh_from_db()
    assert (ex.assessment.notice_on, ex.assessment.due_on, ex.assessment.interrupted_on) == (
        dt.date(YEAR, 11, 26),
        dt.date(YEAR, 12, 11),
        dt.date(YEAR, 11, 26),
    )
    assert AuditEvent.objects.filter(action="execution.revenue.notice").count() == 1
    # A notice dated before the decision is refused next to its date.
    refused = c.post(path, {"notice_on": f"{YEAR}-01-02", "idempotency_key": "b" * 32})
    assert refused.context["form"].errors["notice_on"] == [ko("A notice cannot precede the decision it notifies.")]
    detail = c.get(f"{base(ex)}/assessments/{ex.assessment.pk}/").content.decode()
    assert f"{YEAR}-12-11" in detail and ko("Send a reminder (독촉)") in detail


def test_a_notice_on_a_collected_assessment_is_refused(world):
    ex = world
    Assessment.objects.filter(pk=ex.assessment.pk).update(collected_amount=1_200_000, status="collected")
    c = client(ex.revenue)
    path = f"{base(ex)}/assessments/{ex.assessment.pk}/notice/"
    assert c.get(path).context["unavailable"] == ko("This assessment is no longer open for collection.")
    before = counts()
    response = c.post(path, {"notice_on": f"{YEAR}-11-26", "idempotency_key": "c" * 32})
    assert response.context["form"].errors["notice_on"] == [ko("This assessment is no longer open for collection.")]
    assert counts() == before


def test_the_cashier_deposits_cash_and_a_late_deposit_is_flagged(world):
    ex = world
    c = client(ex.cashier)
    path = f"{base(ex)}/receipts/{ex.receipt.pk}/deposit/"
    page = c.get(path)
    # Received on Tuesday 24 November: due the next day where the 금고 is, else by the fifth day (30 November).
    assert f"{YEAR}-11-25" in page.content.decode() and f"{YEAR}-11-30" in page.content.decode()
    before = counts()
    early = c.post(path, {"deposited_on": f"{YEAR}-11-23", "same_locality": "on", "idempotency_key": "e" * 32})
    assert early.context["form"].errors["deposited_on"] == [ko("Cash cannot be deposited before it was received.")]
    assert counts() == before
    data = {"deposited_on": f"{YEAR}-11-26", "same_locality": "on", "idempotency_key": form_key(page)}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    ex.receipt.refresh_from_db()
    assert (ex.receipt.deposited_on, ex.receipt.deposit_late) == (dt.date(YEAR, 11, 26), True)
    assert AuditEvent.objects.filter(action="execution.revenue.deposit").count() == 1
    other_day = c.post(path, {**data, "deposited_on": f"{YEAR}-11-25", "idempotency_key": "d" * 32})
    assert other_day.context["unavailable"] == ko("This cash is in the treasury bank already.")
    assert other_day.context["form"].errors["deposited_on"] == [ko("This receipt is already in the 금고.")]


def test_an_overpayment_is_refunded_with_interest_once_per_form(world):
    ex = world
    assessment = revenue.do_assess(
        ex.s.general,
        revenue_code="111",
        payer_name="박과오",
        amount=1_200_000,
        assessed_on=dt.date(YEAR, 6, 1),
        actor=ex.revenue,
        idempotency_key="a2",
    )
    receipt = revenue.do_record_receipt(
        assessment,
        amount=1_200_000,
        received_on=dt.date(YEAR, 6, 1),
        channel="treasury",
        actor=ex.revenue,
        idempotency_key="r2",
    )
    c = client(ex.revenue)
    path = f"{base(ex)}/receipts/{receipt.pk}/refund/"
    page = c.get(path)
    assert page.context["form"].initial["amount"] == "1,200,000"
    data = {
        "amount": "1,000,000",
        "reason": "이중 납부",
        "refunded_on": f"{YEAR}-11-26",
        "idempotency_key": form_key(page),
    }
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    refund = OverpaymentRefund.objects.get()
    # 3.1 % a year for the 178 days from 2 June to 26 November: 1,000,000 × 0.031 × 178 / 365 = 15,117.8 → 15,117.
    assert (refund.amount, refund.interest, refund.refunded_on) == (1_000_000, 15_117, dt.date(YEAR, 11, 26))
    before = counts()
    over = c.post(path, {**data, "amount": "200,001", "idempotency_key": "o" * 32})
    assert over.context["form"].errors["amount"] == [
        ko("More cannot be refunded than was received and not yet refunded.")
    ]
    assert counts() == before
    detail = c.get(f"{base(ex)}/assessments/{assessment.pk}/")
    assert [f.interest for f in detail.context["refunds"]] == [15_117]
    assert "15,117원" in detail.content.decode()


def test_the_assessment_list_links_each_assessment_and_filters_by_status(world):
    ex = world
    c = client(ex.revenue)
    listing = c.get(f"{base(ex)}/{YEAR}/revenue/?status=open")
    html = listing.content.decode()
    assert f"/assessments/{ex.assessment.pk}/" in html and f"/assessments/{ex.assessment.pk}/notice/" in html
    assert c.get(f"{base(ex)}/{YEAR}/revenue/?status=collected").context["rows"] == []


# --- transfers: 회수 and the council report ---------------------------------------------------------------------


def test_a_pending_transfer_is_withdrawn_once_and_the_source_gets_its_amount_back(world):
    ex = world
    c = client(ex.s.officer)
    listing = c.get(f"{base(ex)}/{YEAR}/transfers/").content.decode()
    path = f"{base(ex)}/transfers/{ex.transfer.pk}/withdraw/"
    assert path in listing
    data = {"idempotency_key": form_key(c.get(path))}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    ex.transfer.refresh_from_db()
    assert ex.transfer.status != TransferStatus.IN_APPROVAL
    assert BudgetLine.objects.get(pk=ex.pension.pk).appropriation == 600_000_000
    assert AuditEvent.objects.filter(action="execution.transfer.withdraw").count() == 1
    again = c.post(path, {"idempotency_key": "a" * 32})
    assert again.context["form"].non_field_errors() == [ko("This transfer has already been decided.")]


def test_the_council_report_shows_the_quarters_approved_virements_and_downloads_them(world):

    ex = world
    approvals.do_approve(ex.transfer.approval_id, actor=ex.s.mayor)
    c = client(ex.s.welfare_staff)
    page = c.get(f"{base(ex)}/{YEAR}/transfers/report/4/")
    report = page.context["report"]
    assert (report.due_on, report.total, len(report.rows)) == (dt.date(YEAR + 1, 1, 31), 5_000_000, 1)
    assert c.get(f"{base(ex)}/{YEAR}/transfers/report/3/").context["report"].rows == []
    workbook = c.get(f"{base(ex)}/{YEAR}/transfers/report/4.xlsx")
    assert workbook["Content-Disposition"] == f'attachment; filename="transfers-1100000-{YEAR}-Q4.xlsx"'
    values = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows()]
    assert values[-1][0] == "합계" and values[-1][6] == 5_000_000
    assert c.get(f"{base(ex)}/{YEAR}/transfers/report/5/").status_code == 404


# --- 지출결의 and the payment order that follows it ---------------------------------------------------------------


def _claim(**changes):
    data = {
        "amount": "8,000,000",
        "claim_number": "청구-2026-118",
        "claimed_on": f"{YEAR}-11-26",
        "claim_amount": "8,000,000",
        "resolved_on": f"{YEAR}-11-26",
        "inspected_on": "",
        "inspector": "",
        "inspection_result": "",
        "inspection_note": "",
    }
    return {**data, **changes}


def test_a_resolution_is_made_once_and_the_payment_order_follows_it(world):
    ex = world
    jaemu = client(ex.finance)
    path = f"{base(ex)}/commitments/{ex.commitment.pk}/resolve/"
    page = jaemu.get(path)
    assert page.context["form"].initial["amount"] == "20,000,000"
    data = _claim(idempotency_key=form_key(page))
    first = jaemu.post(path, data)
    assert first.status_code == 302, first.context["form"].errors
    assert jaemu.post(path, data).status_code == 302
    resolution = ExpenditureResolution.objects.get()
    assert (resolution.number, resolution.amount, resolution.resolved_by_id) == (
        f"{YEAR}-0000001",
        8_000_000,
        ex.finance.pk,
    )
    # 20,000,000 unpaid, 8,000,000 resolved: a second resolution may ask 12,000,000 at most.
    before = counts()
    over = jaemu.post(path, _claim(amount="12,000,001", claim_amount="12,000,001", idempotency_key="o" * 32))
    assert over.context["form"].errors["amount"] == [
        ko("The commitment has %(free)s won neither paid nor resolved; the resolution asks %(amount)s won.")
        % {"free": "12,000,000", "amount": "12,000,001"}
    ]
    assert counts() == before

    jichul = client(ex.disburser)
    before = counts()
    pay = f"{base(ex)}/commitments/{ex.commitment.pk}/pay/"
    order_page = jichul.get(pay)
    form = order_page.context["form"]
    assert (form.initial["resolution"], form.initial["amount"]) == (str(resolution.pk), "8,000,000")
    assert next(iter(form.fields)) == "resolution"
    order = {
        "resolution": str(resolution.pk),
        "office": "D100",
        "amount": "8,000,001",
        "payee_name": "한빛복지",
        "payee_bank": "국민은행",
        "payee_account": "123456789012",
        "issued_on": f"{YEAR}-11-26",
        "idempotency_key": form_key(order_page),
    }
    beyond = jichul.post(pay, order)
    assert beyond.context["form"].errors["resolution"] == [
        ko("The payment exceeds what remains of the expenditure resolution (지출결의).")
    ]
    assert counts() == before
    order["amount"] = "8,000,000"
    assert jichul.post(pay, order).status_code == 302
    assert jichul.post(pay, order).status_code == 302  # ordered in full: the retry still finds its resolution
    resolution.refresh_from_db()
    assert (resolution.ordered_amount, resolution.status) == (8_000_000, "ordered")
    assert PaymentOrder.objects.filter(commitment=ex.commitment).count() == 2
    line = client(ex.finance).get(f"{base(ex)}/lines/{ex.senior.pk}/")
    assert [r.pk for r in line.context["resolutions"]] == [resolution.pk]
    assert f"/commitments/{ex.commitment.pk}/resolve/" in line.content.decode()


def test_a_works_claim_needs_a_passed_inspection(world):
    ex = world
    works = BudgetLine.objects.create(
        government=ex.s.gov,
        year=YEAR,
        account=ex.s.general,
        project=ex.s.senior,
        object_code="401-01",
        budget_amount=50_000_000,
        appropriation=50_000_000,
    )
    appropriations.do_allocate(works, amount=50_000_000, actor=ex.s.officer)
    contract = commitments.do_commit(
        works, amount=40_000_000, creditor="(주)한빛건설", purpose="경로당 보수", actor=ex.finance, idempotency_key="w1"
    )
    jaemu = client(ex.finance)
    path = f"{base(ex)}/commitments/{contract.pk}/resolve/"
    before = counts()
    missing = jaemu.post(path, _claim(idempotency_key="m" * 32))
    assert missing.context["form"].errors["inspection_result"] == [
        ko("A works, goods or services claim is resolved only after its inspection (지방계약법 §17).")
    ]
    failed = jaemu.post(
        path,
        _claim(inspected_on=f"{YEAR}-11-26", inspector="welfare", inspection_result="failed", idempotency_key="f" * 32),
    )
    assert failed.context["form"].errors["inspection_result"] == [
        ko("The inspection did not pass: the claim cannot be resolved for payment.")
    ]
    inspected = {"inspected_on": f"{YEAR}-11-26", "inspector": "welfare", "inspection_result": "passed"}
    early = jaemu.post(path, _claim(claimed_on=f"{YEAR}-01-02", **inspected, idempotency_key="e" * 32))
    assert "claimed_on" in early.context["form"].errors
    assert counts() == before
    passed = _claim(
        inspected_on=f"{YEAR}-11-26", inspector="welfare", inspection_result="passed", idempotency_key="p" * 32
    )
    assert jaemu.post(path, passed).status_code == 302
    resolution = ExpenditureResolution.objects.get(commitment=contract)
    assert (resolution.inspection_result, resolution.inspector_id) == ("passed", ex.s.welfare_staff.pk)


# --- forms sent by several requests at once -----------------------------------------------------------------------


def _send_at_once(path, data, user, times=8):
    clients = [client(user) for _ in range(times)]
    start = threading.Barrier(times)
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
    return statuses


@pytest.mark.django_db(transaction=True)
def test_the_same_sub_allocation_and_close_year_forms_sent_eight_times_at_once_act_once(travel):
    ex = build_execution()
    appropriations.do_allocate(ex.senior, amount=100_000_000, actor=ex.s.officer)
    sub = offices.do_create_office(
        ex.s.gov, year=YEAR, code="S210", name="복지국 분임재무관", kind=OfficeKind.SUB_FINANCE, actor=ex.s.officer
    )
    path = f"{base(ex)}/lines/{ex.senior.pk}/sub-allocate/"
    data = {"office": str(sub.pk), "amount": "10,000,000", "idempotency_key": "same-form-" + "s" * 22}
    assert _send_at_once(path, data, ex.s.officer) == [302] * 8
    assert SubAllocation.objects.get(line=ex.senior).amount == 10_000_000
    assert BudgetLine.objects.get(pk=ex.senior.pk).sub_allocated == 10_000_000

    travel(AFTER)
    close = {"idempotency_key": "same-form-" + "y" * 22}
    assert _send_at_once(f"{base(ex)}/{YEAR}/year-end/", close, ex.s.officer) == [302] * 8
    assert AuditEvent.objects.filter(action="execution.year.close").count() == 1
    assert AuditEvent.objects.filter(object_type=FORM_OBJECT).count() == 2


def test_a_date_outside_2000_to_2100_is_a_form_error_not_a_server_error(world):
    ex = world
    c = client(ex.revenue)
    path = f"{base(ex)}/assessments/{ex.assessment.pk}/notice/"
    before = Assessment.objects.values_list("notice_on", "due_on").get(pk=ex.assessment.pk)
    page = c.get(path)
    data = {"notice_on": "9999-12-31", "fixed_due_on": "", "idempotency_key": form_key(page)}
    response = c.post(path, data)
    assert response.status_code == 200
    assert ko("Enter a date between 2000 and 2100.") in response.content.decode()
    assert Assessment.objects.values_list("notice_on", "due_on").get(pk=ex.assessment.pk) == before
