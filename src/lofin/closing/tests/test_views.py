"""The workspace screens of the books and the 결산: every page answers for an official of the government, the
closing runs from its form once, downloads are the stored bytes, another government's official gets 404."""

import datetime as dt

import pytest
from django.test import Client

from lofin.closing.models import ClosingRequest, ClosingRun
from lofin.closing.testing import close_year
from lofin.core import testing
from lofin.core.approvals import actions as approvals
from lofin.core.roles import Role
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_an_official_reads_the_books_and_closes_the_year(books):
    code = books.ex.s.gov.code
    c = client_for(books.ex.finance)
    base = f"/g/{code}/accounting/{YEAR}"
    r = c.get(f"{base}/trial-balance/")
    assert r.status_code == 200
    assert 'id="tb-1110"' in r.content.decode()
    r = c.get(f"{base}/trial-balance/?entity=fund&month_from=13&month_to=14")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="tb-1110"' in body and 'id="tb-5200"' not in body
    assert c.get(f"{base}/ledger/1110/").status_code == 200
    assert c.get(f"{base}/ledger/9999/").status_code == 404
    r = c.get(f"{base}/statements/general/")
    assert r.status_code == 200
    assert 'data-figure="assets">2,030' in r.content.decode()
    assert c.get(f"{base}/statements/other_special/").status_code == 404
    assert c.get(f"{base}/budget-result/").status_code == 200
    r = c.get(f"{base}/budget-result/?entity=fund")
    assert r.status_code == 200 and 'aria-current="page">기금회계' in r.content.decode()
    assert c.get(f"{base}/budget-result/?entity=nothing").status_code == 404
    r = c.get(f"{base}/closing/")
    assert 'data-status="in_progress"' in r.content.decode()
    key = "a" * 32
    r = c.post(f"{base}/closing/", {"action": "close", "idempotency_key": key})
    assert r.status_code == 302
    r = c.post(f"{base}/closing/", {"action": "close", "idempotency_key": key})
    assert r.status_code == 302
    assert ClosingRequest.objects.count() == 1 and not ClosingRun.objects.exists()
    request = ClosingRequest.objects.get()
    # The org chart's line: the budget office's division head reviews, the head of the government decides.
    steps = list(request.approval.steps.order_by("order").values_list("kind", "assignee__username"))
    assert steps == [("draft", "jaemu"), ("review", "chief"), ("approve", "mayor")]
    approvals.do_approve(request.approval_id, actor=books.ex.s.chief)
    assert not ClosingRun.objects.exists()
    approvals.do_approve(request.approval_id, actor=books.ex.s.mayor)
    assert ClosingRun.objects.count() == 1
    page = c.get(f"{base}/closing/").content.decode()
    assert 'data-status="closed"' in page and 'id="reopen-form"' in page
    assert 'id="part-cpa_review" data-present="0"' in page
    r = c.post(
        f"{base}/closing/",
        {"action": "document", "idempotency_key": "d" * 32, "kind": "cpa_review", "reference": "회계법인-7",
         "dated_on": "2027-02-11", "summary": "적정"},
    )  # fmt: skip
    assert r.status_code == 302
    assert 'id="part-cpa_review" data-present="1"' in c.get(f"{base}/closing/").content.decode()
    first = c.get(f"{base}/statements/consolidated/position.xlsx").content
    assert c.get(f"{base}/statements/consolidated/position.xlsx").content == first
    assert c.get(f"{base}/statements/fund/notes.pdf").content.startswith(b"%PDF")
    assert c.get(f"{base}/statements/consolidated/nothing.pdf").status_code == 404


def test_another_government_gets_not_found_and_readers_cannot_close(books):
    code = books.ex.s.gov.code
    outsider = testing.official(testing.government("2600000"), Role.FINANCE_OFFICER, username="outsider")
    c = client_for(outsider)
    for path in ("trial-balance/", "statements/consolidated/", "budget-result/", "closing/"):
        assert c.get(f"/g/{code}/accounting/{YEAR}/{path}").status_code == 404
    reader = client_for(books.ex.s.welfare_staff)
    assert reader.get(f"/g/{code}/accounting/{YEAR}/closing/").status_code == 200
    assert reader.post(f"/g/{code}/accounting/{YEAR}/closing/", {"idempotency_key": "b" * 32}).status_code == 403
    assert not ClosingRequest.objects.exists()
    assert not ClosingRun.objects.exists()


def test_the_operator_sees_every_government_in_the_calendar(books):
    close_year(books.ex.s.gov, YEAR, drafter=books.ex.finance, head=books.ex.s.mayor)
    c = client_for(testing.bootstrap_operator())
    r = c.get(f"/closing/{YEAR}/")
    assert r.status_code == 200
    assert f'id="gov-{books.ex.s.gov.code}" data-status="closed"' in r.content.decode()
    assert client_for(books.ex.finance).get(f"/closing/{YEAR}/").status_code in (403, 404)


def test_the_workspace_leads_officials_to_the_closing_of_last_year(books):
    c = client_for(books.ex.finance)
    code = books.ex.s.gov.code
    assert f'href="/g/{code}/accounting/"' in c.get(f"/g/{code}/").content.decode()
    r = c.get(f"/g/{code}/accounting/")
    assert r.status_code == 302 and r["Location"].endswith(f"/accounting/{YEAR}/closing/")


def test_R_AC_5_the_closing_screen_offers_no_closing_while_the_cash_work_is_open(books, travel):
    travel(dt.date(YEAR + 1, 2, 10))
    code = books.ex.s.gov.code
    page = client_for(books.ex.finance).get(f"/g/{code}/accounting/{YEAR}/closing/").content.decode()
    assert 'id="closing-not-yet"' in page and 'id="close-books-form"' not in page
    assert 'id="deadline-statement"' in page
