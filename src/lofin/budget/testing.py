"""Builders of small budgets for tests and the browser suite, through the real actions."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from lofin.budget.actions import adjustment, attachments, requests, setup
from lofin.budget.actions import revenue as budget_revenue
from lofin.budget.actions.requests import BasisIn
from lofin.budget.models import Account, Project
from lofin.core import testing
from lofin.core.models import Department, LocalGovernment, User
from lofin.core.roles import Position, Role

YEAR = 2027


@dataclass
class Setup:
    gov: LocalGovernment
    budget_office: Department
    welfare: Department
    officer: User  # 예산담당 in the budget office
    chief: User  # 기획예산과장
    welfare_staff: User
    welfare_chief: User
    mayor: User
    general: Account
    pension: Project  # 세부사업: 기초연금 지급
    senior: Project  # 세부사업: 경로당 운영 지원
    reserve: Project  # 세부사업: 예비비


def build_setup(code: str = "1100000", year: int = YEAR) -> Setup:
    """A government with a budget office, a welfare department, people at each post and 2027 projects."""
    gov = testing.government(code)
    planning = testing.department(gov, "1000", "기획조정실")
    budget_office = testing.department(gov, "1100", "기획예산과", planning)
    welfare_bureau = testing.department(gov, "3000", "복지국")
    welfare = testing.department(gov, "3100", "복지정책과", welfare_bureau)
    officer = testing.official(gov, Role.BUDGET_OFFICER, username="officer", dept=budget_office)
    chief = testing.official(gov, Role.OFFICIAL, username="chief", position=Position.DIVISION_HEAD, dept=budget_office)
    welfare_staff = testing.official(gov, Role.OFFICIAL, username="welfare", dept=welfare)
    welfare_chief = testing.official(
        gov, Role.OFFICIAL, username="welfare-chief", position=Position.DIVISION_HEAD, dept=welfare
    )
    mayor = testing.official(gov, Role.OFFICIAL, username="mayor", position=Position.HEAD)
    general = setup.do_create_account(gov, code="100", name="일반회계", kind="general", actor=officer)

    def tree(policy_code, function, unit_code, details, department):
        policy = setup.do_create_project(
            gov,
            year=year,
            level="policy",
            code=policy_code,
            name=f"정책 {policy_code}",
            account=general,
            department=department,
            function_code=function,
            actor=officer,
        )
        unit = setup.do_create_project(
            gov,
            year=year,
            level="unit",
            code=unit_code,
            name=f"단위 {unit_code}",
            account=general,
            parent=policy,
            department=department,
            actor=officer,
        )
        return [
            setup.do_create_project(
                gov,
                year=year,
                level="detail",
                code=code,
                name=name,
                account=general,
                parent=unit,
                department=department,
                actor=officer,
                **extra,
            )
            for code, name, extra in details
        ]

    pension, senior = tree(
        "P100",
        "085",
        "U110",
        [
            ("D111", "기초연금 지급", {"state_share_bp": 7000}),
            (
                "D112",
                "경로당 운영 지원",
                {"gender_sensitive": True, "gender_goal": "여성 노인의 경로당 이용률 제고"},
            ),
        ],
        welfare,
    )
    (reserve,) = tree("P900", "161", "U910", [("D911", "예비비", {})], budget_office)
    return Setup(
        gov,
        budget_office,
        welfare,
        officer,
        chief,
        welfare_staff,
        welfare_chief,
        mayor,
        general,
        pension,
        senior,
        reserve,
    )


def bill_package(s: Setup, version) -> None:
    """What the 본예산 bill goes to the council with besides its lines (R-BS-5): the 중기지방재정계획 it refers to
    and the 주민의견서 (the 성인지 예산서 is generated from the flagged 경로당 운영 지원)."""
    adjustment.do_record_mid_term_plan(
        version,
        title=f"{version.year}~{version.year + 4} 중기지방재정계획",
        first_year=version.year,
        last_year=version.year + 4,
        actor=s.officer,
    )
    attachments.do_attach(
        version,
        upload=SimpleUploadedFile("주민의견서.pdf", b"%PDF-1.4 residents", "application/pdf"),
        name="주민참여예산 주민의견서",
        kind="resident_opinion",
        actor=s.officer,
    )


def request_all(s: Setup, version, *, package: bool = True) -> None:
    """Lines that make a valid budget: 990,000,000 won of expenditure, balanced by revenue; with `package`, the
    documents the bill needs too (`bill_package`)."""
    requests.do_save_request_line(
        version,
        project=s.pension,
        object_code="301-01",
        actor=s.welfare_staff,
        state_amount=420_000_000,
        basis=[BasisIn("기초연금 300,000원 × 2,000명 × 12월", 300_000, 2_000, 1), BasisIn("추가 지급분", 0, amount=0)],
    )
    requests.do_save_request_line(
        version,
        project=s.senior,
        object_code="307-02",
        actor=s.welfare_staff,
        basis=[BasisIn("경로당 운영비 350,000원 × 100개소 × 11월", 350_000, 100, 11)],
    )
    requests.do_save_request_line(
        version,
        project=s.reserve,
        object_code="801-01",
        actor=s.officer,
        basis=[BasisIn("일반예비비", 0, amount=5_000_000)],
    )
    budget_revenue.do_save_revenue_request(
        version, account=s.general, revenue_code="111", amount=570_000_000, actor=s.officer
    )
    budget_revenue.do_save_revenue_request(
        version, account=s.general, revenue_code="511", amount=420_000_000, actor=s.officer
    )
    if package:
        bill_package(s, version)
