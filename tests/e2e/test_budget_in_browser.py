"""The budget of a year walked in Korean in a real browser: department request → approval → adjustment →
the bill on its approval line → council amendment and vote → confirmation → a supplementary budget."""

import datetime as dt

import pytest

from lofin.budget.models import BudgetVersion, ExpenditureLine, VersionStatus
from lofin.budget.testing import YEAR, build_setup
from tests.e2e.walk import Walk, ko

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Session(Walk):
    def submit(self, selector):
        self.page.click(selector)
        self.settle()

    def approve_first_in_inbox(self, title_part):
        self.go("/me/inbox/")
        self.page.locator("#pending tbody tr a", has_text=title_part).first.click()
        self.settle()
        self.submit("button[name=decision][value=approve]")


def test_a_year_of_budget_formulation_in_korean(live_server, page, axe):
    s = build_setup()
    ui = Session(page, live_server.url, axe)
    budget = f"/g/{s.gov.code}/budget"

    ui.log_in("officer")
    ui.go(budget + "/", "budget-home")
    assert page.inner_text("h1").endswith(ko("Budget formulation"))
    page.fill("#id_year", str(YEAR))
    ui.submit("button[name=kind][value=original]")
    assert ko("department requests") in page.inner_text("#version-status")

    # The welfare department requests a line, pasting its calculation basis from a spreadsheet.
    ui.log_in("welfare")
    ui.go(f"{budget}/{YEAR}/v0/request/", "budget-request")
    page.select_option("#id_project", "D112")
    page.select_option("#id_object_code", "307-02")
    page.fill("#id_pasted", "경로당 운영비\t350,000\t100\t11")
    ui.submit("#line-form button[type=submit]")
    assert page.inner_text("#request-total") == "385,000,000원"
    ui.submit("form:has(input[name=form][value=submit]) button[type=submit]")
    ui.log_in("welfare-chief")
    ui.approve_first_in_inbox("예산 요구서")

    # The budget office adds the reserve and the revenue, closes requests and adjusts.
    ui.log_in("officer")
    ui.go(f"{budget}/{YEAR}/v0/request/?department=1100")
    page.select_option("#id_project", "D911")
    page.select_option("#id_object_code", "801-01")
    page.fill("#id_basis-0-description", "일반예비비")
    page.fill("#id_basis-0-unit_price", "3700000")
    ui.submit("#line-form button[type=submit]")
    ui.go(f"{budget}/{YEAR}/v0/revenue/", "budget-revenue")
    page.select_option("#id_revenue_code", "111")
    page.fill("#id_amount", "388700000")
    ui.submit("form.stack button[type=submit]")
    ui.go(f"{budget}/{YEAR}/v0/")
    ui.submit("form[action$='/close/'] button")
    ui.go(f"{budget}/{YEAR}/v0/adjust/", "budget-adjust")
    senior = ExpenditureLine.objects.get(project=s.senior)
    page.fill(f"#adj-{senior.pk}-amount", "380000000")
    page.fill(f"#adj-{senior.pk}-reason", "단가 조정")
    page.click(f"#line-{senior.pk} button")
    page.wait_for_selector(f"#line-{senior.pk} strong")
    ui.go(f"{budget}/{YEAR}/v0/revenue/")
    revenue_form = page.locator("#revenue-lines form").first
    revenue_form.locator("input[name=amount]").fill("383700000")
    revenue_form.locator("input[name=reason]").fill("세출 조정 반영")
    revenue_form.locator("button").click()
    ui.settle()

    # The 성과계획서: a target on the 정책사업, shown in the budget book.
    ui.go(f"{budget}/setup/{YEAR}/projects/P100/targets/", "budget-targets")
    page.fill("#id_indicator", "기초연금 수급자 수")
    page.fill("#id_unit", "명")
    page.fill("#id_target_value", "2000")
    page.fill("#id_method", "수급자 대장 연말 인원")
    ui.submit("form:has(input[name=form][value=target]) button")
    assert "기초연금 수급자 수" in page.inner_text("#targets")
    ui.go(f"{budget}/{YEAR}/book/performance/?version=0", "budget-book-performance")
    assert "수급자 대장 연말 인원" in page.inner_text("#performance-P100")

    # The bill goes with the medium-term plan it refers to and the residents' opinion (R-BS-5); the gender budget
    # statement is generated from the flagged 경로당 운영 지원.
    ui.go(f"{budget}/{YEAR}/v0/", "budget-version-adjusting")
    page.fill("#id_title", f"{YEAR}~{YEAR + 4} 중기지방재정계획")
    ui.submit("form[action$='/mid-term-plan/'] button")
    page.set_input_files(
        "#opinion-form input[type=file]",
        files=[{"name": "주민의견서.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 residents"}],
    )
    ui.submit("#opinion-form button")
    assert "주민의견서" in page.inner_text("#resident-opinions")

    # The bill travels its approval line to the mayor.
    ui.submit("form[action$='/submit-bill/'] button")
    ui.log_in("chief")
    ui.approve_first_in_inbox("예산안")
    ui.log_in("mayor")
    ui.approve_first_in_inbox("예산안")

    # The council cuts the line; the budget office records it, the vote, and confirms.
    ui.log_in("officer")
    ui.go(f"{budget}/{YEAR}/v0/council/", "budget-council")
    page.fill(f"#amd-{senior.pk}-amount", "370000000")
    page.fill(f"#amd-{senior.pk}-reason", "의회 감액")
    page.click(f"#line-{senior.pk} button")
    page.wait_for_selector(f"#line-{senior.pk} strong")
    ui.go(f"{budget}/{YEAR}/v0/revenue/")
    revenue_form = page.locator("#revenue-lines form").first
    revenue_form.locator("input[name=amount]").fill("373700000")
    revenue_form.locator("input[name=reason]").fill("감액 반영")
    revenue_form.locator("button").click()
    ui.settle()
    ui.go(f"{budget}/{YEAR}/v0/council/")
    page.fill("#id_voted_on", dt.date.today().isoformat())
    ui.submit("form[action$='/vote/'] button")
    ui.submit("form[action$='/confirm/'] button")
    assert page.inner_text("#version-status") == ko("confirmed")
    ui.axe.check(page, "budget-confirmed")
    original = BudgetVersion.objects.get(government=s.gov, year=YEAR, number=0)
    assert (original.status, original.total_amount) == (VersionStatus.CONFIRMED, 373_700_000)

    # A supplementary budget starts from the confirmed one and shows its changes.
    ui.go(budget + "/")
    page.fill("#id_year", str(YEAR))
    ui.submit("button[name=kind][value=supplementary]")
    assert ko("supplementary budget no. %(n)d") % {"n": 1} in page.inner_text("h1")
    ui.log_in("welfare")
    ui.go(f"{budget}/{YEAR}/v1/request/")
    page.select_option("#id_project", "D112")
    page.select_option("#id_object_code", "307-02")
    page.fill("#id_pasted", "경로당 운영비 증액\t400,000\t100\t10")
    ui.submit("#line-form button[type=submit]")
    ui.go(f"{budget}/{YEAR}/v1/", "budget-supplementary")
    assert "30,000" in page.inner_text("#diff")  # 400,000,000 − 370,000,000 won = 30,000천원
