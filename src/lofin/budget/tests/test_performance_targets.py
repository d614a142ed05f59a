"""성과계획서: the department sets the performance targets of its 정책·단위사업 while the budget is formulated
(지방재정법 §5, §44의2), the budget book shows them, and after the year the department records the results the 결산's
성과보고서 is generated from. Every refusal writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from lofin.budget.actions import adjustment
from lofin.budget.actions import performance as actions
from lofin.budget.actions import setup as budget_setup
from lofin.budget.errors import ResultsBeforeYearEnd, WrongStage
from lofin.budget.models import PerformanceTarget, Project
from lofin.budget.rules import performance as rules
from lofin.core.actions import do_create_token
from lofin.core.errors import InvalidInput, PermissionDenied
from lofin.core.models import AuditEvent

from .conftest import YEAR, request_all

pytestmark = pytest.mark.django_db

AFTER_THE_YEAR = dt.date(YEAR + 1, 1, 5)


def written():
    return PerformanceTarget.objects.count(), AuditEvent.objects.count()


def policy(s):
    return Project.objects.get(government=s.gov, year=YEAR, code="P100")


def set_users(s, **extra):
    values = {
        "indicator": "기초연금 수급자 수",
        "unit": "명",
        "target_value": "2000",
        "method": "수급자 대장 연말 인원",
    }
    return actions.do_set_performance_target(policy(s), actor=s.welfare_staff, **(values | extra))


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize(
    ("text", "canonical"), [("2000", "2000"), ("87.50", "87.5"), ("0.0", "0"), (" 12 ", "12"), (15, "15")]
)
def test_values_are_exact_decimals_as_text(text, canonical):
    assert rules.parse_value(text, "target_value") == canonical


@pytest.mark.parametrize(
    "text", ["1e3", "1,000", "-1", "", "１２", "1.23456", "0012", True, 1.5, None, "1234567890123"]
)
def test_values_that_are_not_plain_decimals_are_refused_next_to_their_field(text):
    with pytest.raises(InvalidInput) as refused:
        rules.parse_value(text, "target_value")
    assert refused.value.detail["field"] == "target_value"


def test_the_achievement_rate_is_rounded_once_and_follows_the_direction():
    assert rules.achievement_rate("2000", "1900", "increase") == Decimal("95.0")
    assert rules.achievement_rate("3", "2", "increase") == Decimal("66.7")
    assert rules.achievement_rate("5", "4", "decrease") == Decimal("125.0")
    assert rules.achievement_rate("0", "0", "decrease") == Decimal("100.0")
    assert rules.achievement_rate("0", "2", "decrease") == Decimal("0.0")
    assert rules.achieved("5", "5", "decrease") and not rules.achieved("5", "6", "decrease")


def test_the_department_sets_its_targets_in_formulation_audited(setup):
    s = setup
    before = AuditEvent.objects.count()
    target = set_users(s, baseline_value="1850.0")
    assert (target.target_value, target.baseline_value, target.direction) == ("2000", "1850", "increase")
    assert target.government == s.gov and not target.has_result
    event = AuditEvent.objects.filter(action="budget.performance_target.set").get()
    assert event.data["indicator"] == "기초연금 수급자 수" and event.data["new"] is True
    # The same indicator again rewrites its target.
    again = set_users(s, target_value="2100")
    assert again.pk == target.pk and PerformanceTarget.objects.get().target_value == "2100"
    assert AuditEvent.objects.count() == before + 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_value": "2,000"}, "target_value"),
        ({"target_value": "0"}, "target_value"),
        ({"baseline_value": "-3"}, "baseline_value"),
        ({"indicator": "  "}, "indicator"),
        ({"method": ""}, "method"),
        ({"unit": "x" * 21}, "unit"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_bad_targets_are_refused_writing_nothing(setup, change, field):
    before = written()
    with pytest.raises(InvalidInput) as refused:
        set_users(setup, **change)
    assert refused.value.detail["field"] == field
    assert written() == before


def test_messages_are_in_korean_and_english(setup):
    with pytest.raises(InvalidInput) as refused:
        set_users(setup, target_value="1e3")
    assert refused.value.detail["field"] == "target_value"
    with translation.override("en"):
        assert str(refused.value.message).startswith("Give a number of ASCII digits")
    with translation.override("ko"):
        assert "숫자" in str(refused.value.message)


def test_a_detail_project_another_department_and_a_bill_already_submitted_are_refused(setup):
    s = setup
    before = written()
    with pytest.raises(InvalidInput):
        actions.do_set_performance_target(
            s.pension, indicator="수급자", unit="명", target_value="1", method="대장", actor=s.welfare_staff
        )
    outsider = Project.objects.get(government=s.gov, year=YEAR, code="P900")
    with pytest.raises(PermissionDenied):
        actions.do_set_performance_target(
            outsider, indicator="집행률", unit="%", target_value="90", method="결산", actor=s.welfare_staff
        )
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    adjustment.do_close_requests(version, actor=s.officer)
    assert set_users(s).target_value == "2000"  # adjusting: still formulation
    adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="perf-bill")
    middle = written()
    with pytest.raises(WrongStage):
        set_users(s, target_value="2500")
    assert written() == middle == (before[0] + 1, middle[1])
    assert PerformanceTarget.objects.get().target_value == "2000"


def test_results_are_recorded_after_the_year_with_the_reason_when_short(setup, travel):
    s = setup
    target = set_users(s)
    before = written()
    with pytest.raises(ResultsBeforeYearEnd):
        actions.do_record_performance_result(target, achieved_value="2100", actor=s.welfare_staff)
    assert written() == before
    travel(AFTER_THE_YEAR)
    with pytest.raises(InvalidInput) as refused:
        actions.do_record_performance_result(target, achieved_value="1900", actor=s.welfare_staff)
    assert refused.value.detail["field"] == "reason"
    with pytest.raises(PermissionDenied):
        actions.do_record_performance_result(
            target, achieved_value="2100", actor=s.welfare_staff.__class__.objects.get(username="chief")
        )
    assert written() == before
    done = actions.do_record_performance_result(
        target, achieved_value="1900", reason="신청 지연", actor=s.welfare_staff
    )
    assert (done.achieved_value, done.shortfall_reason, done.has_result) == ("1900", "신청 지연", True)
    # Met on correction: the reason goes.
    done = actions.do_record_performance_result(target, achieved_value="2000", reason="x", actor=s.welfare_staff)
    assert (done.achieved_value, done.shortfall_reason) == ("2000", "")
    assert AuditEvent.objects.filter(action="budget.performance_target.result").count() == 2


def test_the_project_screen_sets_a_target_and_shows_a_refusal_next_to_its_field(setup):
    s = setup
    client = Client()
    client.force_login(s.welfare_staff)
    url = f"/g/{s.gov.code}/budget/setup/{YEAR}/projects/P100/targets/"
    page = client.post(
        url,
        {
            "form": "target",
            "indicator": "이용자 수",
            "unit": "명",
            "target_value": "1,000",
            "method": "대장",
            "direction": "increase",
        },
    )
    assert page.status_code == 200 and 'id="id_target_value_error1"' in page.content.decode()
    assert not PerformanceTarget.objects.exists()
    page = client.post(
        url,
        {
            "form": "target",
            "indicator": "이용자 수",
            "unit": "명",
            "target_value": "1000",
            "method": "대장",
            "direction": "increase",
        },
    )
    assert page.status_code == 302
    assert "이용자 수" in client.get(url).content.decode()


def test_the_api_sets_lists_and_records_results(setup, travel):
    s = setup
    client = bearer(s.welfare_staff)
    body = {
        "government": s.gov.code,
        "year": YEAR,
        "project_code": "U110",
        "indicator": "경로당 이용자 만족도",
        "unit": "점",
        "target_value": "80",
        "method": "연 1회 설문",
    }
    assert (
        client.post(
            "/api/v1/budget/performance-targets", {**body, "target_value": 80}, content_type="application/json"
        ).status_code
        == 422
    )
    created = client.post("/api/v1/budget/performance-targets", body, content_type="application/json")
    assert created.status_code == 201, created.content
    target_id = created.json()["id"]
    assert created.json()["achieved_value"] is None
    listed = client.get(f"/api/v1/budget/performance-targets?government={s.gov.code}&year={YEAR}").json()
    assert [(t["project"], t["target_value"]) for t in listed] == [("U110", "80")]
    early = client.post(
        f"/api/v1/budget/performance-targets/{target_id}/result",
        {"achieved_value": "85"},
        content_type="application/json",
    )
    assert (early.status_code, early.json()["code"]) == (409, "performance_year_not_ended")
    travel(AFTER_THE_YEAR)
    done = client.post(
        f"/api/v1/budget/performance-targets/{target_id}/result",
        {"achieved_value": "85.5"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["achieved_value"] == "85.5"


def test_the_budget_book_has_a_performance_plan_page(setup):
    s = setup
    set_users(s, baseline_value="1850")
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    client = Client()
    client.force_login(s.officer)
    page = client.get(f"/g/{s.gov.code}/budget/{YEAR}/book/performance/?version=0").content.decode()
    assert 'id="performance-P100"' in page and "기초연금 수급자 수" in page and "수급자 대장 연말 인원" in page
    assert "1850" in page
