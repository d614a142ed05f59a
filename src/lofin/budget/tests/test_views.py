"""The budget screens, driven with Django's test client (the browser suite walks them in Chromium)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lofin.budget.actions import adjustment
from lofin.budget.actions import setup as budget_setup
from lofin.budget.models import Attachment, BudgetVersion, ExpenditureLine, Project, VersionStatus
from lofin.core import testing
from lofin.core.approvals import actions as approvals
from lofin.core.roles import AccountType, Role

from .conftest import YEAR, request_all

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def base(s):
    return f"/g/{s.gov.code}/budget"


def test_every_screen_renders_for_the_budget_office(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    officer = client(s.officer)
    for path in ("/", f"/{YEAR}/v0/", f"/{YEAR}/v0/request/", f"/{YEAR}/v0/revenue/"):
        response = officer.get(base(s) + path)
        assert response.status_code == 200, path
    adjustment.do_close_requests(version, actor=s.officer)
    assert officer.get(base(s) + f"/{YEAR}/v0/adjust/").status_code == 200


def test_a_department_saves_a_line_from_pasted_spreadsheet_rows(setup):
    s = setup
    budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    response = client(s.welfare_staff).post(
        base(s) + f"/{YEAR}/v0/request/",
        {
            "form": "line",
            "project": "D112",
            "object_code": "307-02",
            "state_amount": "0",
            "province_amount": "0",
            "pasted": "경로당 운영비\t350,000\t100\t11\n냉난방비\t200000\t100\t2",
        },
    )
    assert response.status_code == 302
    line = ExpenditureLine.objects.get(project=s.senior)
    assert line.amount == 385_000_000 + 40_000_000
    assert list(line.basis.values_list("description", flat=True)) == ["경로당 운영비", "냉난방비"]


def test_a_pasted_row_with_a_word_for_a_number_is_refused(setup):
    s = setup
    budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    response = client(s.welfare_staff).post(
        base(s) + f"/{YEAR}/v0/request/",
        {
            "form": "line",
            "project": "D112",
            "object_code": "307-02",
            "state_amount": "0",
            "province_amount": "0",
            "pasted": "경로당 운영비\t삼십오만\t100\t11",
        },
    )
    assert response.status_code == 200 and b'role="alert"' in response.content
    assert not ExpenditureLine.objects.exists()


def test_adjusting_a_line_with_htmx_returns_the_row(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    adjustment.do_close_requests(version, actor=s.officer)
    line = ExpenditureLine.objects.get(project=s.senior)
    response = client(s.officer).post(
        base(s) + f"/lines/{line.pk}/adjust/", {"amount": "300000000", "reason": "단가 조정"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and f'id="line-{line.pk}"'.encode() in response.content
    line.refresh_from_db()
    assert (line.amount, line.adjust_reason) == (300_000_000, "단가 조정")


def test_the_stages_through_the_screens(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    officer = client(s.officer)
    officer.post(base(s) + f"/{YEAR}/v0/close/")
    page = officer.get(base(s) + f"/{YEAR}/v0/")
    assert "mayor" in page.content.decode()
    officer.post(
        base(s) + f"/{YEAR}/v0/submit-bill/", {"key": "k-1", "step-0-kind": "approve", "step-0-user": s.mayor.pk}
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTING
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    officer.post(base(s) + f"/{YEAR}/v0/vote/", {"voted_on": (dt.date.today() + dt.timedelta(days=1)).isoformat()})
    officer.post(base(s) + f"/{YEAR}/v0/confirm/")
    assert BudgetVersion.objects.get(pk=version.pk).status == VersionStatus.CONFIRMED


def test_residents_see_confirmed_budgets_only_and_outsiders_nothing(setup):
    s = setup
    budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    resident = testing.person(s.gov, AccountType.RESIDENT, username="resident")
    assert client(resident).get(base(s) + f"/{YEAR}/v0/").status_code == 404
    assert client(resident).get(base(s) + "/").status_code == 200
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan")
    assert client(outsider).get(base(s) + "/").status_code == 404
    assert client(outsider).post(base(s) + "/open/", {"year": "2030"}).status_code == 404
    assert not BudgetVersion.objects.filter(year=2030).exists()


def test_the_set_up_page_adds_projects_and_records_reviews(setup):
    s = setup
    officer = client(s.officer)
    page = officer.get(base(s) + f"/setup/{YEAR}/")
    assert page.status_code == 200 and "D112" in page.content.decode()
    response = officer.post(
        base(s) + f"/setup/{YEAR}/",
        {
            "form": "project",
            "level": "detail",
            "code": "D113",
            "name": "노인 일자리 지원",
            "parent": "U110",
            "account": "100",
            "department": s.welfare.code,
            "gender_sensitive": "on",
        },
    )
    assert response.status_code == 302

    added = Project.objects.get(government=s.gov, year=YEAR, code="D113")
    assert (added.parent.code, added.gender_sensitive) == ("U110", True)
    officer.post(base(s) + f"/setup/{YEAR}/", {"form": "review", "code": "D113", "outcome": "inappropriate"})
    added.refresh_from_db()
    assert added.investment_review == "inappropriate"
    assert client(s.welfare_staff).post(base(s) + f"/setup/{YEAR}/", {"form": "copy"}).status_code == 403


def test_attachments_are_kept_with_the_budget_and_served_to_members_only(setup, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    s = setup
    budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    welfare = client(s.welfare_staff)
    welfare.post(
        base(s) + f"/{YEAR}/v0/attach/",
        {"name": "경로당 현황", "file": SimpleUploadedFile("현황.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    refused = welfare.post(
        base(s) + f"/{YEAR}/v0/attach/", {"file": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")}
    )
    assert refused.status_code == 302

    attachment = Attachment.objects.get()
    assert attachment.name == "경로당 현황"
    download = welfare.get(base(s) + f"/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan")
    assert client(outsider).get(base(s) + f"/attachments/{attachment.pk}/").status_code == 404
