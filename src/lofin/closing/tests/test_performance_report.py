"""R-AC-6: the 성과보고서 of the 결산 package is generated from the performance targets of the budget (성과계획서) and
the results the departments recorded after the year; the package is complete when every target has its result."""

import pytest
from django.test import Client

from lofin.budget.actions import performance as targets
from lofin.budget.errors import ResultsFinal
from lofin.budget.models import PerformanceTarget, Project
from lofin.closing import actions, package, performance, rules, testing
from lofin.closing.errors import PackageIncomplete
from lofin.closing.models import ClosingDocument, ClosingRun, RunStatus
from lofin.closing.testing import close_year
from lofin.core.actions import do_create_token
from lofin.core.models import AuditEvent
from lofin.execution.models import BudgetLine
from lofin.execution.testing import YEAR

from .conftest import AFTER_THE_YEAR

pytestmark = pytest.mark.django_db


def plan(project, indicator, unit, target, *, method="사업 대장", baseline="", direction="increase"):
    """A target of the 성과계획서 that went with the bill: these books' budget was confirmed before the test, so the
    row is written as the bill's plan was (the action that sets it is tested on the budget side)."""
    return PerformanceTarget.objects.create(
        government=project.government,
        project=project,
        indicator=indicator,
        unit=unit,
        target_value=target,
        baseline_value=baseline,
        method=method,
        direction=direction,
    )


def welfare_plan(books):
    gov = books.ex.s.gov
    policy = Project.objects.get(government=gov, year=YEAR, code="P100")
    unit = Project.objects.get(government=gov, year=YEAR, code="U110")
    users = plan(policy, "기초연금 수급자 수", "명", "2000", baseline="1850")
    satisfaction = plan(unit, "경로당 이용자 만족도", "점", "80")
    wait = plan(unit, "민원 처리 기간", "일", "5", direction="decrease")
    return users, satisfaction, wait


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def written():
    return ClosingRun.objects.count(), ClosingDocument.objects.count(), AuditEvent.objects.count()


def test_R_AC_6_missing_parts_names_each_project_without_results():
    assert rules.missing_parts(set(rules.PACKAGE_PARTS), ["P100", "U110"]) == [
        "performance_report",
        "performance_report:P100",
        "performance_report:U110",
    ]
    assert rules.missing_parts(set(rules.PACKAGE_PARTS)) == []


def test_R_AC_6_the_performance_report_is_generated_from_targets_results_and_the_budget_lines(books):
    users, satisfaction, wait = welfare_plan(books)
    staff = books.ex.s.welfare_staff
    targets.do_record_performance_result(users, achieved_value="1900", reason="신규 신청 지연", actor=staff)
    targets.do_record_performance_result(satisfaction, achieved_value="85.2", actor=staff)
    targets.do_record_performance_result(wait, achieved_value="4", actor=staff)
    report = performance.report(books.ex.s.gov, YEAR)
    assert report["complete"] and report["unreported"] == []
    policy, unit = report["projects"]
    lines = BudgetLine.objects.filter(government=books.ex.s.gov, year=YEAR, project__parent__code="U110")
    assert (policy["code"], policy["appropriation"]) == ("P100", sum(line.appropriation for line in lines))
    assert policy["paid"] == unit["paid"] == sum(line.paid for line in lines)
    assert policy["targets"] == [
        {
            "indicator": "기초연금 수급자 수",
            "unit": "명",
            "direction": "increase",
            "method": "사업 대장",
            "baseline": "1850",
            "target": "2000",
            "achieved": "1900",
            "rate": "95.0",
            "met": False,
            "reason": "신규 신청 지연",
        }
    ]
    assert [(t["rate"], t["met"], t["reason"]) for t in unit["targets"]] == [("106.5", True, ""), ("125.0", True, "")]


def test_R_AC_6_a_target_without_its_result_keeps_the_package_from_the_council_naming_the_project(books):
    gov, ex = books.ex.s.gov, books.ex
    users, _satisfaction, _wait = welfare_plan(books)
    run = close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    targets.do_record_performance_result(users, achieved_value="2000", actor=ex.s.welfare_staff)
    testing.record_package(gov, YEAR, actor=ex.finance, skip=("performance_report",))
    # A recorded document does not stand for a report the data can make.
    actions.do_record_document(
        gov,
        YEAR,
        kind="performance_report",
        reference="성과-1",
        dated_on=AFTER_THE_YEAR,
        summary="본문",
        actor=ex.finance,
    )
    assert [key for key, _label in package.missing(gov, YEAR, run)] == ["performance_report", "performance_report:U110"]
    before = written()
    with pytest.raises(PackageIncomplete) as refused:
        actions.do_submit_to_council(gov, YEAR, on=AFTER_THE_YEAR, actor=ex.finance)
    assert refused.value.detail["missing"] == ["performance_report", "performance_report:U110"]
    assert "U110 단위 U110" in str(refused.value.message)
    assert written() == before
    assert ClosingRun.objects.get().status == RunStatus.CLOSED


def test_R_AC_6_with_every_result_recorded_the_generated_report_completes_the_package(books):
    gov, ex = books.ex.s.gov, books.ex
    welfare_plan(books)
    run = close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    testing.record_package(gov, YEAR, actor=ex.finance, reporter=ex.s.welfare_staff)
    part = next(p for p in package.parts(gov, YEAR, run) if p.key == "performance_report")
    assert (part.present, part.generated, part.document) == (True, True, None)
    assert not ClosingDocument.objects.filter(kind="performance_report").exists()
    assert package.missing(gov, YEAR, run) == []
    assert actions.do_submit_to_council(gov, YEAR, on=AFTER_THE_YEAR, actor=ex.finance).status == RunStatus.SUBMITTED
    # With the council, the results the report was made from are final.
    target = PerformanceTarget.objects.order_by("pk").first()
    before = written(), target.achieved_value
    with pytest.raises(ResultsFinal):
        targets.do_record_performance_result(target, achieved_value="1", reason="정정", actor=ex.s.welfare_staff)
    target.refresh_from_db()
    assert (written(), target.achieved_value) == before


def test_R_AC_6_the_performance_report_page_and_api(books):
    gov, ex = books.ex.s.gov, books.ex
    users, _satisfaction, _wait = welfare_plan(books)
    targets.do_record_performance_result(
        users, achieved_value="1900", reason="신규 신청 지연", actor=ex.s.welfare_staff
    )
    client = Client()
    client.force_login(ex.finance)
    page = client.get(f"/g/{gov.code}/accounting/{YEAR}/performance-report/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "기초연금 수급자 수" in text and "95.0" in text and "신규 신청 지연" in text
    assert 'id="unreported-U110"' in text
    api = bearer(ex.finance)
    found = api.get(f"/api/v1/accounting/closing/performance-report?government={gov.code}&year={YEAR}").json()
    assert (found["complete"], found["unreported"]) == (False, ["U110"])
    assert found["projects"][0]["targets"][0]["rate"] == "95.0"
    status = api.get(f"/api/v1/accounting/closing?government={gov.code}&year={YEAR}").json()
    part = next(p for p in status["package"] if p["key"] == "performance_report")
    assert (part["present"], part["generated"]) == (False, True)
    assert "performance_report:U110" in status["missing"]
    closing = client.get(f"/g/{gov.code}/accounting/{YEAR}/closing/").content.decode()
    assert f'href="/g/{gov.code}/accounting/{YEAR}/performance-report/"' in closing
    closing = client.get(f"/g/{gov.code}/accounting/{YEAR}/closing/").content.decode()
    assert f'href="/g/{gov.code}/accounting/{YEAR}/performance-report/"' in closing
