"""The execution screens beyond the daily expenditure path, walked in Korean in a real browser: a 분임재무관 office
and its 재배정, a 지출결의 and the payment order that follows it, a 반납, 일상경비 advanced and settled, a transfer
request withdrawn and the council report, the revenue after the decision (납입고지 → 수납 by the 출납원 → 입금 →
과오납 환급), and the year end: while the year runs nothing can be carried; once it has ended (the actions' "today" moved to 10 January, in this process, which
also serves the pages) a 사고이월 without its commitment is refused next to the commitment, the unpaid part of the
commitment is carried, and the year is closed. axe-core checks every new screen on the way."""

import datetime as dt

import pytest

from lofin.core import testing
from lofin.core.roles import Role
from lofin.execution.actions import appropriations, commitments, offices, payments, revenue, transfers
from lofin.execution.models import (
    BudgetLine,
    CarryOver,
    Commitment,
    ExpenditureResolution,
    ImprestAdvance,
    Office,
    OverpaymentRefund,
    Receipt,
    Refund,
    RefundInterestRate,
    Transfer,
    TransferStatus,
)
from lofin.execution.testing import YEAR, build_execution
from tests.e2e.walk import ko

from .test_execution_in_browser import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(YEAR, 11, 26)
AFTER = dt.date(YEAR + 1, 1, 10)
RATES = ((dt.date(2023, 3, 20), 290), (dt.date(2024, 3, 22), 350), (dt.date(2025, 3, 21), 310))


def submit(ui, check=None):
    ui.click("#execution-form button[type=submit]", check)


def message(page):
    return page.inner_text(".messages")


def test_year_end_imprest_refunds_and_revenue_in_korean(live_server, page, axe, settings, travel):
    # The one clock travels (the live server runs in a thread of this process, so the pages see it too); the
    # browser keeps the real time, so a session cookie must outlive the distance between them.
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 3600
    # Transactional tests empty these tables; the migrations' rows are put back here.
    transfers.load_policies()
    for valid_from, bp in RATES:
        RefundInterestRate.objects.get_or_create(valid_from=valid_from, defaults={"annual_rate_bp": bp})
    travel(TODAY)
    ex = build_execution()
    jingsu = testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu", dept=ex.s.budget_office)
    appropriations.do_allocate(ex.senior, amount=100_000_000, actor=ex.s.officer)
    appropriations.do_allocate(ex.pension, amount=50_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=80_000_000, actor=ex.s.officer)
    works = commitments.do_commit(
        ex.senior,
        amount=30_000_000,
        creditor="(주)한빛건설",
        purpose="경로당 보수공사",
        actor=ex.finance,
        idempotency_key="c1",
    )
    imprest = commitments.do_commit(
        ex.pension,
        amount=5_000_000,
        creditor="chulnap",
        purpose="일상경비 (여비)",
        actor=ex.finance,
        idempotency_key="c2",
    )
    paid = payments.do_issue_payment(
        works,
        amount=10_000_000,
        payee_name="(주)한빛건설",
        payee_bank="국민은행",
        payee_account="123456789012",
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key="p1",
    )
    transfer = transfers.do_request_transfer(
        "virement",
        from_line=ex.pension,
        to_line=ex.senior,
        amount=5_000_000,
        reason="경로당 추가 지원",
        line=[("approve", ex.s.mayor)],
        actor=ex.s.officer,
        idempotency_key="t1",
    )
    assessment = revenue.do_assess(
        ex.s.general,
        revenue_code="111",
        payer_name="김납세",
        amount=1_200_000,
        assessed_on=dt.date(YEAR, 11, 20),
        actor=jingsu,
        idempotency_key="a1",
    )
    ui = Session(page, live_server.url, axe)
    execution = f"/g/{ex.s.gov.code}/execution"

    # The budget office sets up a 분임재무관 office and hands it part of the allocation (재배정).
    ui.log_in("officer")
    ui.go(f"{execution}/{YEAR}/offices/")
    ui.click(f"a[href$='/{YEAR}/offices/new/']", "execution-office-new")
    page.fill("#id_code", "S210")
    page.fill("#id_name", "복지국 분임재무관")
    page.select_option("#id_kind", "sub_finance")
    submit(ui)
    assert "S210" in page.inner_text("#offices")
    sub = Office.objects.get(code="S210")
    ui.go(f"{execution}/lines/{ex.senior.pk}/")
    ui.click(f"a[href$='/lines/{ex.senior.pk}/sub-allocate/']", "execution-sub-allocate")
    page.select_option("#id_office", str(sub.pk))
    page.fill("#id_amount", "20,000,000")
    submit(ui, "execution-line-sub-allocated")
    assert page.inner_text("#sub-allocation-S210 [data-figure=handed]") == "20,000,000원"

    # While the year runs, the year-end page says so and the lapse is only a forecast.
    ui.go(f"{execution}/{YEAR}/year-end/", "execution-year-end-running")
    assert f"{TODAY.isoformat()}" in page.inner_text("#year-stage")
    assert "12-31" in page.inner_text("#year-dates")

    # The transfer request is withdrawn (회수); the council report of the quarter is on screen and as XLSX.
    ui.go(f"{execution}/{YEAR}/transfers/")
    ui.click(f"#transfer-{transfer.pk} a[href$='/withdraw/']", "execution-withdraw")
    submit(ui)
    assert Transfer.objects.get(pk=transfer.pk).status != TransferStatus.IN_APPROVAL
    assert BudgetLine.objects.get(pk=ex.pension.pk).appropriation == 600_000_000
    ui.click("#council-reports a:has-text('4')", "execution-council-report")
    with page.expect_download() as download:
        page.click("a[href$='/transfers/report/4.xlsx']")
    assert download.value.suggested_filename == f"transfers-{ex.s.gov.code}-{YEAR}-Q4.xlsx"

    # The 재무관 resolves the contractor's claim (지출결의); the 지출원's payment order follows it.
    ui.log_in("jaemu")
    ui.go(f"{execution}/lines/{ex.senior.pk}/")
    ui.click(f"#commitment-{works.pk} a[href$='/resolve/']", "execution-resolve")
    page.fill("#id_amount", "5,000,000")
    page.fill("#id_claim_number", "청구-118")
    page.fill("#id_claimed_on", TODAY.isoformat())
    page.fill("#id_claim_amount", "5,000,000")
    page.fill("#id_resolved_on", TODAY.isoformat())
    submit(ui, "execution-line-resolved")
    resolution = ExpenditureResolution.objects.get()
    assert resolution.number in page.inner_text("#resolutions")
    ui.log_in("jichul")
    ui.go(f"{execution}/lines/{ex.senior.pk}/")
    ui.click(f"#commitment-{works.pk} a[href$='/pay/']", "execution-pay-resolution")
    assert page.input_value("#id_resolution") == str(resolution.pk)
    assert page.input_value("#id_amount") == "5,000,000"
    page.fill("#id_payee_bank", "국민은행")
    page.fill("#id_payee_account", "123-456-789012")
    page.fill("#id_issued_on", TODAY.isoformat())
    submit(ui)
    assert page.inner_text(f"#resolution-{resolution.pk} [data-figure=ordered]") == "5,000,000원"

    # The 지출원: part of a payment comes back (반납) and restores the line; 일상경비 is advanced and settled.
    ui.go(f"{execution}/lines/{ex.senior.pk}/")
    ui.click(f"#payment-{paid.pk} a[href$='/refund/']", "execution-refund")
    page.fill("#id_amount", "1,000,000")
    page.fill("#id_received_on", TODAY.isoformat())
    submit(ui)
    assert Refund.objects.get().restored_line
    assert ui.figure("#line-figures", "paid") == "14,000,000원"
    ui.go(f"{execution}/{YEAR}/imprest/", "execution-imprest")
    ui.click(f"#imprest-commitment-{imprest.pk} a[href$='/imprest/']", "execution-imprest-advance")
    page.select_option("#id_kind", "travel")
    page.fill("#id_amount", "12,000,000")
    page.fill("#id_payee_account", "110220330440")
    page.fill("#id_advanced_on", TODAY.isoformat())
    submit(ui, "execution-imprest-advance-refused")
    assert "10,000,000" in page.inner_text("#id_amount_error1")
    assert not ImprestAdvance.objects.exists()
    page.fill("#id_amount", "3,000,000")
    submit(ui)
    advance = ImprestAdvance.objects.get()
    ui.click(f"#advance-{advance.pk} a[href$='/settle/']", "execution-imprest-settle")
    page.fill("#id_spent", "2,400,000")
    page.fill("#id_returned", "600,000")
    page.fill("#id_returned_on", TODAY.isoformat())
    submit(ui, "execution-imprest-settled")
    assert page.inner_text(f"#advance-{advance.pk} [data-figure=returned]") == "600,000원"
    assert BudgetLine.objects.get(pk=ex.pension.pk).paid == 2_400_000

    # Revenue: the 징수관 sends the notice; the 출납원 takes cash and deposits it; the 징수관 refunds an overpayment.
    ui.log_in("jingsu")
    ui.go(f"{execution}/{YEAR}/revenue/")
    ui.click(f"#assessment-{assessment.pk} a[href$='/assessments/{assessment.pk}/']", "execution-assessment")
    ui.click(f"a[href$='/assessments/{assessment.pk}/notice/']", "execution-notice")
    page.fill("#id_notice_on", TODAY.isoformat())
    submit(ui, "execution-assessment-noticed")
    assert page.inner_text("#assessment-figures [data-figure=due]") == f"{YEAR}-12-11"
    ui.log_in("chulnap")
    ui.go(f"{execution}/assessments/{assessment.pk}/receipt/")
    page.fill("#id_amount", "1,200,000")
    page.fill("#id_received_on", f"{YEAR}-11-24")
    page.select_option("#id_channel", "cashier")
    submit(ui)
    receipt = Receipt.objects.get()
    ui.go(f"{execution}/assessments/{assessment.pk}/")
    ui.click(f"#receipt-{receipt.pk} a[href$='/deposit/']", "execution-deposit")
    page.fill("#id_deposited_on", TODAY.isoformat())
    submit(ui, "execution-assessment-deposited")
    assert ko("late") in page.inner_text(f"#receipt-{receipt.pk} [data-figure=deposited]")
    ui.log_in("jingsu")
    ui.go(f"{execution}/assessments/{assessment.pk}/")
    ui.click(f"#receipt-{receipt.pk} a[href$='/refund/']", "execution-overpayment-refund")
    page.fill("#id_amount", "200,000")
    page.fill("#id_reason", "감면 결정")
    page.fill("#id_refunded_on", TODAY.isoformat())
    submit(ui, "execution-assessment-refunded")
    refund = OverpaymentRefund.objects.get()
    # 환급가산금 for the two days after the receipt: 200,000 × 3.1 % × 2 / 365 = 33.97, cut to 33 won.
    assert (refund.amount, refund.interest) == (200_000, 33)

    # The year has ended: the budget office opens the year end on 10 January of the next year.
    travel(AFTER)
    ui.log_in("officer")
    ui.go(f"{execution}/{YEAR}/year-end/", "execution-year-end")
    assert AFTER.isoformat() in page.inner_text("#year-stage")
    ui.click(f"#lapse-{ex.senior.pk} a[href$='/carry-over/']", "execution-carry-over")
    page.check("input[name=kind][value=accident]")
    page.select_option("#id_commitment", "")
    page.fill("#id_amount", "16,000,000")
    page.fill("#id_reason", "준공 지연 (자재 수급)")
    before = CarryOver.objects.count()
    submit(ui, "execution-carry-over-refused")
    assert page.inner_text("#id_commitment_error1") == ko(
        "사고이월 carries the unpaid part of a commitment made in the year: name the commitment."
    )
    assert CarryOver.objects.count() == before
    page.select_option("#id_commitment", str(works.pk))
    submit(ui, "execution-year-end-carried")
    carry = CarryOver.objects.get()
    assert (carry.kind, carry.amount) == ("accident", 16_000_000)
    assert page.inner_text(f"#lapse-{ex.senior.pk} [data-figure=carried]") == "16,000,000원"
    carried = Commitment.objects.get(line=carry.to_line)
    assert (carried.creditor, carried.amount) == ("(주)한빛건설", 16_000_000)
    # Closing records the lapse: 990,000,000 − 16,400,000 paid (net of what came back) − 16,000,000 carried.
    ui.click("#close-form button[type=submit]", "execution-year-closed")
    text = ko("The lapse of %(year)s is recorded: %(lapsed)s won. The figures are provisional until 20 January.")
    assert text % {"year": YEAR, "lapsed": "957,600,000"} in message(page)
    assert page.inner_text("#lapse-totals [data-figure=lapsed]") == "957,600,000원"
