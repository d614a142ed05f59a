"""A confirmed budget with execution offices and people, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

from lofin.budget.actions import adjustment, confirmation, council, setup
from lofin.budget.models import BudgetVersion, ExpenditureLine
from lofin.budget.testing import Setup, build_setup, request_all
from lofin.core import clock, testing
from lofin.core.approvals import actions as approvals
from lofin.core.models import User
from lofin.core.roles import Role

from .actions import offices
from .models import BudgetLine, Office, OfficeKind

YEAR = 2026


@dataclass
class Execution:
    s: Setup
    version: BudgetVersion
    finance: User  # 재무관
    disburser: User  # 지출원
    cashier: User  # 출납원
    finance_office: Office
    disbursing_office: Office
    senior: BudgetLine  # 경로당 운영 지원 / 307-02, 385,000,000 won, all of it 명시이월비
    pension: BudgetLine  # 기초연금 지급 / 301-01, 600,000,000 won, of which 20,000,000 명시이월비


def confirm_budget(s: Setup, year: int) -> BudgetVersion:
    version = setup.do_open_original(s.gov, year=year, actor=s.officer)
    request_all(s, version)
    adjustment.do_close_requests(version, actor=s.officer)
    # 명시이월비 (R-BP-10): all of 경로당 운영 지원 may run into the next year, 20,000,000 won of 기초연금.
    for project, explicit in ((s.senior, 385_000_000), (s.pension, 20_000_000)):
        line = ExpenditureLine.objects.get(version=version, project=project)
        adjustment.do_set_explicit_carry(line.pk, amount=explicit, reason="", actor=s.officer)
    adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key=f"bill-{year}")
    version.refresh_from_db()
    assert version.bill_approval_id is not None
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    version.refresh_from_db()
    council.do_record_vote(version, voted_on=clock.today(), actor=s.officer)
    return confirmation.do_confirm(version, actor=s.officer)


def build_execution(year: int = YEAR) -> Execution:
    s = build_setup(year=year)
    version = confirm_budget(s, year)
    finance = testing.official(s.gov, Role.FINANCE_OFFICER, username="jaemu", dept=s.budget_office)
    disburser = testing.official(s.gov, Role.DISBURSING_OFFICER, username="jichul", dept=s.budget_office)
    cashier = testing.official(s.gov, Role.CASHIER, username="chulnap", dept=s.budget_office)
    finance_office = offices.do_create_office(
        s.gov, year=year, code="F100", name="본청 재무관", kind=OfficeKind.FINANCE, actor=s.officer
    )
    disbursing_office = offices.do_create_office(
        s.gov, year=year, code="D100", name="본청 지출원", kind=OfficeKind.DISBURSING, actor=s.officer
    )
    senior = BudgetLine.objects.get(government=s.gov, year=year, project__code="D112")
    pension = BudgetLine.objects.get(government=s.gov, year=year, project__code="D111")
    return Execution(s, version, finance, disburser, cashier, finance_office, disbursing_office, senior, pension)
