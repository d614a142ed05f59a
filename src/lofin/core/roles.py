"""Roles and positions. Roles are data (a Membership row per user, government and role); these are the codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Officials (회계관계공무원 and others), following 지방회계법 §46 and the architecture document.
    BUDGET_OFFICER = "budget_officer", _("budget officer")  # 예산담당
    FINANCE_OFFICER = "finance_officer", _("finance officer")  # 재무관
    DISBURSING_OFFICER = "disbursing_officer", _("disbursing officer")  # 지출원
    CASHIER = "cashier", _("cashier")  # 출납원
    REVENUE_OFFICER = "revenue_officer", _("revenue officer")  # 징수관
    CONTRACT_OFFICER = "contract_officer", _("contract officer")  # 계약담당
    SUBSIDY_OFFICER = "subsidy_officer", _("subsidy officer")  # 보조금담당
    AUDITOR = "auditor", _("auditor")  # 감사
    # Staff with no accounting duty of their own (heads, bureau and division heads who approve documents).
    OFFICIAL = "official", _("official")  # 공무원
    # People outside the government's staff.
    RESIDENT = "resident", _("resident")  # 주민
    SUBSIDY_OPERATOR = "subsidy_operator", _("subsidy operator")  # 보조사업자
    SUPPLIER = "supplier", _("supplier")  # 공급자
    ANALYST = "analyst", _("analyst")  # 분석가
    # The platform's own operators (KLID-style 운영자); not tied to one government.
    OPERATOR = "operator", _("system operator")  # 운영자


OFFICIAL_ROLES = frozenset(
    {
        Role.BUDGET_OFFICER,
        Role.FINANCE_OFFICER,
        Role.DISBURSING_OFFICER,
        Role.CASHIER,
        Role.REVENUE_OFFICER,
        Role.CONTRACT_OFFICER,
        Role.SUBSIDY_OFFICER,
        Role.AUDITOR,
        Role.OFFICIAL,
    }
)
# Roles that are held without a government.
GLOBAL_ROLES = frozenset({Role.OPERATOR})


class Position(models.IntegerChoices):
    """직위 in the approval hierarchy; higher numbers may decide more (위임전결)."""

    STAFF = 1, _("staff officer")  # 주무관
    TEAM_LEAD = 2, _("team lead")  # 팀장
    DIVISION_HEAD = 3, _("division head")  # 과장
    BUREAU_HEAD = 4, _("bureau head")  # 국장
    DEPUTY_HEAD = 5, _("deputy head of government")  # 부시장·부군수·부구청장·부지사
    HEAD = 6, _("head of government")  # 시장·군수·구청장·도지사


class AccountType(models.TextChoices):
    OFFICIAL = "official", _("official")
    RESIDENT = "resident", _("resident")
    SUBSIDY_OPERATOR = "subsidy_operator", _("subsidy operator")
    SUPPLIER = "supplier", _("supplier")
    ANALYST = "analyst", _("analyst")
    OPERATOR = "operator", _("system operator")
