"""Budget execution walked in Korean in a real browser: the budget office allocates and gives the 지출원 its cash
ceiling, a 재무관 commits on a line, a different person (the 지출원) orders the payment with withholdings, and the
execution table shows the new figures; an over-allocation shows its error next to the amount and writes nothing.
axe-core checks every screen on the way."""

import pytest

from lofin.core import testing
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.models import Allocation, BudgetLine, Commitment, Office, PaymentOrder
from lofin.execution.testing import YEAR, build_execution
from tests.e2e.walk import Walk, ko

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Session(Walk):
    def click(self, selector, check=None):
        self.page.click(selector)
        self.settle()
        if check:
            self.axe.check(self.page, check)

    def figure(self, scope, name):
        return self.page.inner_text(f"{scope} [data-figure={name}]")


def test_allocate_commit_and_pay_in_korean(live_server, page, axe):
    ex = build_execution()
    testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu", dept=ex.s.budget_office)
    ui = Session(page, live_server.url, axe)
    execution = f"/g/{ex.s.gov.code}/execution"
    senior = ex.senior

    # The budget office opens the year's execution table and allocates part of a line.
    ui.log_in("officer")
    ui.go(execution + "/", "execution-dashboard")
    assert page.get_attribute("html", "lang") == "ko"
    assert ui.figure(f"#line-{senior.pk}", "appropriation") == "385,000,000원"
    ui.click(f"#line-{senior.pk} a", "execution-line")
    ui.click(f"a[href$='/lines/{senior.pk}/allocate/']", "execution-allocate")
    page.fill("#id_amount", "100,000,000")
    page.select_option("#id_kind", "monthly")
    page.fill("#id_period", "11")
    ui.click("#execution-form button[type=submit]")
    assert ui.figure("#line-figures", "allocated") == "100,000,000원"
    assert ko("%(amount)s won are allocated.") % {"amount": "100,000,000"} in page.inner_text(".messages")

    # More than the appropriation left: the error stands next to the amount, and nothing is written.
    before = (Allocation.objects.count(), AuditEvent.objects.count())
    ui.go(f"{execution}/lines/{senior.pk}/allocate/")
    page.fill("#id_amount", "300,000,000")
    ui.click("#execution-form button[type=submit]", "execution-allocate-refused")
    assert page.inner_text("#id_amount_error1") == ko(
        "The allocation would exceed the line's appropriation (예산현액)."
    )
    assert page.get_attribute("#id_amount", "aria-invalid") == "true"
    assert (Allocation.objects.count(), AuditEvent.objects.count()) == before
    assert BudgetLine.objects.get(pk=senior.pk).allocated == 100_000_000

    # Cash for the 지출원's payments (자금배정).
    office = ex.disbursing_office
    ui.go(f"{execution}/{YEAR}/offices/", "execution-offices")
    page.fill(f"#id_o{office.pk}-amount", "50,000,000")
    ui.click(f"#office-{office.code} button")
    assert ui.figure(f"#office-{office.code}", "limit") == "50,000,000원"

    # The other screens of the year, checked for accessibility on the way.
    ui.go(f"{execution}/{YEAR}/transfers/", "execution-transfers")
    ui.go(f"{execution}/lines/{ex.pension.pk}/transfer/", "execution-transfer-form")
    ui.go(f"{execution}/{YEAR}/revenue/", "execution-revenue")

    # The 재무관 commits on the line.
    ui.log_in("jaemu")
    ui.go(f"{execution}/lines/{senior.pk}/")
    ui.click(f"a[href$='/lines/{senior.pk}/commit/']", "execution-commit")
    page.fill("#id_amount", "30,000,000")
    page.fill("#id_creditor", "한빛복지")
    page.fill("#id_purpose", "경로당 운영비 11월분")
    ui.click("#execution-form button[type=submit]")
    commitment = Commitment.objects.get(line=senior)
    assert ui.figure("#line-figures", "committed") == "30,000,000원"
    ui.go(f"{execution}/commitments/{commitment.pk}/cancel/", "execution-cancel")

    # A different person, the 지출원, orders the payment with income tax withheld.
    ui.log_in("jichul")
    ui.go(f"{execution}/lines/{senior.pk}/")
    ui.click(f"#commitment-{commitment.pk} a[href$='/pay/']", "execution-pay")
    assert page.input_value("#id_payee_name") == "한빛복지"
    page.fill("#id_amount", "10,000,000")
    page.fill("#id_payee_bank", "국민은행")
    page.fill("#id_payee_account", "123-456-789012")
    page.select_option("#id_wh_0_kind", "income_tax")
    page.fill("#id_wh_0_amount", "300,000")
    page.select_option("#id_wh_1_kind", "local_income_tax")
    page.fill("#id_wh_1_amount", "30,000")
    ui.click("#execution-form button[type=submit]", "execution-line-paid")
    payment = PaymentOrder.objects.get(commitment=commitment)
    assert (payment.amount, payment.net_amount, payment.issued_by_id) == (10_000_000, 9_670_000, ex.disburser.pk)
    assert payment.number in page.inner_text("#payments")

    # The execution table shows the new figures; the filter narrows it without reloading the page.
    ui.go(f"{execution}/{YEAR}/", "execution-dashboard-after")
    row = f"#line-{senior.pk}"
    assert [ui.figure(row, f) for f in ("allocated", "committed", "paid", "available")] == [
        "100,000,000원",
        "30,000,000원",
        "10,000,000원",
        "70,000,000원",
    ]
    assert ui.figure("#totals", "paid") == "10,000,000원"
    page.fill("#filter-q", "경로당")
    page.click("form[role=search] button")
    page.wait_for_function("document.querySelectorAll('#execution-lines tbody tr').length === 1")
    assert "q=" in page.url
    assert Office.objects.get(pk=office.pk).paid_amount == 10_000_000

    # The 징수관's screens.
    ui.log_in("jingsu")
    ui.go(f"{execution}/{YEAR}/revenue/assess/", "execution-assess")
    page.select_option("#id_revenue_code", "111")
    page.fill("#id_payer_name", "김납세")
    page.fill("#id_amount", "1,200,000")
    ui.click("#execution-form button[type=submit]")
    ui.click("#assessments a[href$='/receipt/']", "execution-receipt")
    ui.click("#execution-form button[type=submit]", "execution-revenue-received")
    assert "1,200,000원" in page.inner_text("#assessments tfoot")
