"""The books and the 결산 walked in Korean in a real browser: an accountant (재무관) reads the trial balance of the
year, drills into the cash ledger, reads the statements of an entity and the consolidated ones, the 세입세출결산,
then sends the closing up its approval line from the calendar page (the clock moved past the 출납사무 완결기한, in
this process, which also serves the pages); the head approves and the accountant downloads the stored statements. axe-core checks every screen on the way."""

import datetime as dt

import pytest

from lofin.closing.models import ClosingRequest, ClosingRun
from lofin.closing.tests.books import build_books
from lofin.core.approvals import actions as approvals
from lofin.execution.testing import YEAR
from tests.e2e.walk import Walk, ko

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_accountant_reads_the_books_and_closes_the_year_in_korean(live_server, page, axe, settings, travel):
    # The browser keeps the real time while the server's clock travels: a session must outlive the distance.
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 3600
    travel(dt.date(YEAR, 11, 26))
    books = build_books()
    travel(dt.date(YEAR + 1, 2, 11))
    ui = Walk(page, live_server.url, axe)
    base = f"/g/{books.ex.s.gov.code}/accounting/{YEAR}"
    ui.log_in("jaemu")

    ui.go(base + "/trial-balance/", "accounting-trial-balance")
    assert page.get_attribute("html", "lang") == "ko"
    totals = page.inner_text("#tb-totals")
    assert totals.count("4,000원") == 2  # debits = credits
    page.click("#tb-1110 a")
    ui.settle()
    axe.check(page, "accounting-ledger")
    assert page.locator("#ledger tbody tr").count() == 8

    ui.go(base + "/statements/general/", "accounting-statements-general")
    assert page.inner_text("#position [data-figure=assets]") == "2,030원"
    assert page.inner_text("#changes [data-figure=closing]") == "1,530원"
    assert ko("Provisional: the year is not closed, these are the books as they are.") in page.inner_text(
        "#statements-state"
    )
    page.click(f"#entity-tabs a:has-text('{'통합'}')")
    ui.settle()
    axe.check(page, "accounting-statements-consolidated")
    assert page.inner_text("#position [data-figure=assets]") == "2,170원"

    ui.go(base + "/budget-result/", "accounting-budget-result")
    assert page.locator("#expenditure-totals").count() == 1

    ui.go(base + "/performance-report/", "accounting-performance-report")
    assert page.locator("#no-targets").count() == 1

    ui.go(base + "/closing/", "accounting-closing")
    assert page.get_attribute("#closing-status", "data-status") == "in_progress"
    page.click("#close-books-form button[type=submit]")
    ui.settle()
    axe.check(page, "accounting-closing-drafted")
    approval = ClosingRequest.objects.get().approval_id
    approvals.do_approve(approval, actor=books.ex.s.chief)
    approvals.do_approve(approval, actor=books.ex.s.mayor)
    ui.go(base + "/closing/", "accounting-closed")
    run = ClosingRun.objects.get()
    assert page.get_attribute("#closing-status", "data-status") == "closed"
    assert run.digest in page.inner_text("#closing-run")
    with page.expect_download() as download:
        ui.go(base + "/statements/consolidated/")
        page.click("a[href$='/consolidated/position.xlsx']")
    assert download.value.suggested_filename.endswith("position.xlsx")
