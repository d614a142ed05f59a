"""Demo people and organisations: every government gets departments, officials with posts and roles, and
residents; four featured governments (one of each kind) get friendly user names for the README.

All demo accounts share one password (settings.LOFIN_DEMO_PASSWORD), hashed once, and are marked is_demo.
Bulk inserts keep `small` fast; each government's load is one audited action.
"""

from __future__ import annotations

import binascii
import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lofin.core import audit, governments, types
from lofin.core.approvals import actions as approval_actions
from lofin.core.approvals import queries as approval_queries
from lofin.core.models import ApprovalRequest, Department, LocalGovernment, Membership, Official, User
from lofin.core.roles import AccountType, Position, Role
from lofin.core.testing import bootstrap_operator

from .registry import Context, loader

# One government of each kind, with names people can type: used by the README, the tests and `tiny`.
FEATURED = {"1100000": "seoul", "1111000": "jongno", "4111000": "suwon", "4673000": "gurye"}

# A fixed TOTP key for the demo operator only (base32 JBSWY3DPEHPK3PXP), so the README can explain the
# two-step log-in; production operators enrol their own devices.
DEMO_OPERATOR_TOTP_HEX = binascii.hexlify(b"Hello!\xde\xad\xbe\xef").decode()

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예봉경사부가복태"
GIVEN = "민서지현준우하은도윤예진수아성훈영희재원동혁미경상철은정세영태호가람다솔나래보람슬기한결"

DEPARTMENTS = [
    ("1000", "기획조정실", None),
    ("1100", "기획예산과", "1000"),
    ("1200", "감사담당관", "1000"),
    ("2000", "행정국", None),
    ("2100", "재무과", "2000"),
    ("2200", "회계과", "2000"),
    ("2300", "세무과", "2000"),
    ("3000", "복지국", None),
    ("3100", "복지정책과", "3000"),
]
COMPACT_DEPARTMENTS = [("1000", "기획조정실", None), ("1100", "기획예산과", "1000"), ("2100", "재무과", "1000")]


@dataclass(frozen=True)
class Post:
    suffix: str
    title: str
    position: int
    department: str | None
    roles: tuple[str, ...]


HEAD_TITLE = {
    "특별시": "시장",
    "광역시": "시장",
    "특별자치시": "시장",
    "도": "도지사",
    "특별자치도": "도지사",
    "시": "시장",
    "군": "군수",
    "자치구": "구청장",
}
DEPUTY_TITLE = {"시장": "부시장", "도지사": "부지사", "군수": "부군수", "구청장": "부구청장"}

FULL_POSTS = [
    Post("head", "", Position.HEAD, None, ()),
    Post("deputy", "", Position.DEPUTY_HEAD, None, ()),
    Post("planning-director", "기획조정실장", Position.BUREAU_HEAD, "1000", ()),
    Post("admin-director", "행정국장", Position.BUREAU_HEAD, "2000", ()),
    Post("welfare-director", "복지국장", Position.BUREAU_HEAD, "3000", ()),
    Post("budget-chief", "기획예산과장", Position.DIVISION_HEAD, "1100", ()),
    Post("finance-chief", "재무과장", Position.DIVISION_HEAD, "2100", ()),
    Post("accounting-chief", "회계과장", Position.DIVISION_HEAD, "2200", ()),
    Post("tax-chief", "세무과장", Position.DIVISION_HEAD, "2300", ()),
    Post("welfare-chief", "복지정책과장", Position.DIVISION_HEAD, "3100", ()),
    Post("audit-chief", "감사담당관", Position.DIVISION_HEAD, "1200", (Role.AUDITOR,)),
    Post("budget-lead", "예산팀장", Position.TEAM_LEAD, "1100", (Role.BUDGET_OFFICER,)),
    Post("accounting-lead", "경리팀장", Position.TEAM_LEAD, "2200", ()),
    Post("budget", "예산담당", Position.STAFF, "1100", (Role.BUDGET_OFFICER,)),
    Post("finance", "재무관", Position.STAFF, "2100", (Role.FINANCE_OFFICER,)),
    Post("disburse", "지출원", Position.STAFF, "2200", (Role.DISBURSING_OFFICER,)),
    Post("cashier", "출납원", Position.STAFF, "2200", (Role.CASHIER,)),
    Post("contract", "계약담당", Position.STAFF, "2200", (Role.CONTRACT_OFFICER,)),
    Post("revenue", "징수관", Position.STAFF, "2300", (Role.REVENUE_OFFICER,)),
    Post("subsidy", "보조금담당", Position.STAFF, "3100", (Role.SUBSIDY_OFFICER,)),
    Post("audit", "감사담당", Position.STAFF, "1200", (Role.AUDITOR,)),
]
COMPACT_POSTS = [
    Post("head", "", Position.HEAD, None, ()),
    Post("deputy", "", Position.DEPUTY_HEAD, None, ()),
    Post("planning-director", "기획조정실장", Position.BUREAU_HEAD, "1000", ()),
    Post("budget-chief", "기획예산과장", Position.DIVISION_HEAD, "1100", ()),
    Post("budget-lead", "예산팀장", Position.TEAM_LEAD, "1100", (Role.BUDGET_OFFICER,)),
    Post("budget", "예산담당", Position.STAFF, "1100", (Role.BUDGET_OFFICER,)),
    Post("finance", "재무관", Position.STAFF, "2100", (Role.FINANCE_OFFICER,)),
    Post("disburse", "지출원", Position.STAFF, "2100", (Role.DISBURSING_OFFICER,)),
    Post("audit", "감사담당", Position.STAFF, "1000", (Role.AUDITOR,)),
]

PUBLIC_ACCOUNTS = {
    "tiny": 2,
    "small": 1,
    "large": 20,
}


def slug(gov: LocalGovernment) -> str:
    return FEATURED.get(gov.code, f"g{gov.code}")


def governments_for(size: str) -> list[LocalGovernment]:
    qs = LocalGovernment.objects.order_by("code")
    if size == "tiny":
        qs = qs.filter(code__in=FEATURED)
    return list(qs)


def korean_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"010{rng.randint(2000, 9999)}{rng.randint(1000, 9999)}"


def _load_government(
    gov: LocalGovernment,
    posts: list[Post],
    departments: list[tuple[str, str, str | None]],
    publics: int,
    ctx: Context,
    password_hash: str,
    operator: User,
) -> int:
    rng = ctx.rng("people", gov.code)
    base = slug(gov)
    head_title = HEAD_TITLE[gov.kind]
    with transaction.atomic():
        existing = {d.code: d for d in Department.objects.filter(government=gov)}
        for code, name, parent in departments:
            if code not in existing:
                existing[code] = Department.objects.create(
                    government=gov, code=code, name=name, parent=existing.get(parent) if parent else None
                )
        usernames = [f"{base}.{p.suffix}" for p in posts]
        have = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        new_users = []
        for post in posts:
            username = f"{base}.{post.suffix}"
            if username in have:
                continue
            title = post.title or (head_title if post.position == Position.HEAD else DEPUTY_TITLE[head_title])
            new_users.append(
                User(
                    username=username,
                    password=password_hash,
                    display_name=f"{korean_name(rng)} {title}" if post.position > Position.STAFF else korean_name(rng),
                    account_type=AccountType.OFFICIAL,
                    email=f"{username}@{base}.lofin.localhost",
                    phone=_phone(rng),
                    is_demo=True,
                )
            )
        for i in range(1, publics + 1):
            for kind, suffix in (
                (AccountType.RESIDENT, f"resident{i}"),
                (AccountType.SUPPLIER, f"supplier{i}"),
                (AccountType.SUBSIDY_OPERATOR, f"grantee{i}"),
            ):
                username = f"{base}.{suffix}"
                if User.objects.filter(username=username).exists():
                    continue
                extra: dict[str, Any] = {}
                if kind != AccountType.RESIDENT:
                    extra = {
                        "business_number": _business_number(rng),
                        "organisation": f"{gov.short_name} {suffix} 주식회사",
                    }
                new_users.append(
                    User(
                        username=username,
                        password=password_hash,
                        display_name=korean_name(rng),
                        account_type=kind,
                        email=f"{username}@example.lofin.localhost",
                        phone=_phone(rng),
                        is_demo=True,
                        **extra,
                    )
                )
        User.objects.bulk_create(new_users)
        users = {u.username: u for u in User.objects.filter(username__startswith=f"{base}.")}
        memberships, posts_rows = [], []
        for post in posts:
            user = users[f"{base}.{post.suffix}"]
            title = post.title or (head_title if post.position == Position.HEAD else DEPUTY_TITLE[head_title])
            posts_rows.append(
                Official(
                    user=user,
                    government=gov,
                    department=existing.get(post.department) if post.department else None,
                    position=post.position,
                    title=title,
                )
            )
            # Managers who only approve hold the plain official role: lines need a current official membership.
            roles = post.roles or (Role.OFFICIAL,)
            memberships += [Membership(user=user, government=gov, role=r, granted_by=operator) for r in roles]
        role_of: dict[str, Role] = {
            AccountType.RESIDENT: Role.RESIDENT,
            AccountType.SUPPLIER: Role.SUPPLIER,
            AccountType.SUBSIDY_OPERATOR: Role.SUBSIDY_OPERATOR,
        }
        for user in users.values():
            if user.account_type in role_of:
                memberships.append(Membership(user=user, government=gov, role=role_of[user.account_type]))
        Official.objects.bulk_create(posts_rows, ignore_conflicts=True)
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)
        if new_users:
            audit.record(
                operator,
                "demo.people.load",
                gov,
                data={"size": ctx.size, "users": len(new_users), "departments": len(departments)},
            )
    return len(new_users)


def _business_number(rng: random.Random) -> str:
    while True:
        candidate = f"{rng.randint(100, 999)}{rng.randint(10, 99)}{rng.randint(10000, 99999)}"
        if types.business_number_is_valid(candidate):
            return candidate


def ensure_demo_operator() -> User:
    operator = bootstrap_operator("operator", password=None, email="operator@lofin.localhost", is_demo=True)
    if not operator.has_usable_password():
        User.objects.filter(pk=operator.pk).update(password=make_password(settings.LOFIN_DEMO_PASSWORD))
        operator.refresh_from_db()
    TOTPDevice.objects.get_or_create(
        user=operator, name="demo", defaults={"key": DEMO_OPERATOR_TOTP_HEX, "confirmed": True}
    )
    return operator


@loader("core.people", order=10, version=1)
def load_people(ctx: Context) -> None:
    governments.ensure_loaded()
    operator = ensure_demo_operator()
    password_hash = make_password(settings.LOFIN_DEMO_PASSWORD)
    govs = governments_for(ctx.size)
    created = 0
    for gov in ctx.track(govs, len(govs), "people"):
        full = ctx.size == "large" or gov.code in FEATURED
        created += _load_government(
            gov,
            FULL_POSTS if full else COMPACT_POSTS,
            DEPARTMENTS if full else COMPACT_DEPARTMENTS,
            PUBLIC_ACCOUNTS[ctx.size] if (full or ctx.size != "tiny") else 0,
            ctx,
            password_hash,
            operator,
        )
    ctx.notes.append(f"{created} accounts in {len(govs)} governments")


DEMO_DOCUMENTS = [
    ("2026년 청사 시설 유지보수 계획", 8_500_000, 0),
    ("지역 축제 운영 용역 시행 계획", 45_000_000, 1),
    ("공공 와이파이 확충 사업 추진 보고", 180_000_000, 0),
]


@loader("core.approvals", order=20, version=1)
def load_approvals(ctx: Context) -> None:
    """Documents in the inboxes of the featured governments, some already a step along their line."""
    for code in ctx.track(list(FEATURED), len(FEATURED), "approvals"):
        gov = LocalGovernment.objects.get(code=code)
        drafter = User.objects.get(username=f"{FEATURED[code]}.budget")
        for n, (title, amount, steps_done) in enumerate(DEMO_DOCUMENTS):
            key = f"demo:{code}:{n}"
            if ApprovalRequest.objects.filter(idempotency_key=key).exists():
                continue
            planned = approval_queries.default_line(gov, drafter, doc_kind="core.general", amount=amount)
            line = [(s.kind, User.objects.get(pk=s.assignee_id)) for s in planned[1:]]
            request = approval_actions.do_submit_for_approval(
                government=gov,
                doc_kind="core.general",
                subject_type="core.general",
                subject_id=key,
                title=title,
                amount=amount,
                line=line,
                actor=drafter,
                idempotency_key=key,
            )
            for _ in range(steps_done):
                step = request.steps.get(order=request.current_order)
                approval_actions.do_approve(request.pk, actor=step.assignee, comment="검토했습니다.")
                request.refresh_from_db()


def demo_users() -> list[dict[str, Any]]:
    """The demo accounts with their roles, for `lofin demo users` and the README."""
    rows = []
    memberships: dict[int, list[tuple[str | None, str]]] = {}
    for user_id, gov_code, role in Membership.objects.filter(user__is_demo=True).values_list(
        "user_id", "government__code", "role"
    ):
        memberships.setdefault(user_id, []).append((gov_code, role))
    posts = dict(Official.objects.filter(user__is_demo=True).values_list("user_id", "title"))
    for user in User.objects.filter(is_demo=True).order_by("username"):
        held = memberships.get(user.pk, [])
        codes = sorted({c for c, _r in held if c})
        code = (
            codes[0]
            if codes
            else (Official.objects.filter(user=user).values_list("government__code", flat=True).first())
        )
        rows.append(
            {
                "username": user.username,
                "name": user.display_name,
                "account_type": user.account_type,
                "government": code,
                "roles": sorted(r for _c, r in held),
                "title": posts.get(user.pk, ""),
            }
        )
    return rows
