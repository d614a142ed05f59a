"""Whom a government pays and who pays it: suppliers, contractors, associations, agencies and batches of people,
each with a valid 사업자등록번호 where it is a business and a bank account for the payment order."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lofin.core import types

BANKS = (
    "NH농협은행",
    "KB국민은행",
    "신한은행",
    "우리은행",
    "하나은행",
    "IBK기업은행",
    "부산은행",
    "iM뱅크",
    "경남은행",
    "광주은행",
    "전북은행",
    "새마을금고",
    "신협",
)
STEMS = (
    "한빛",
    "대한",
    "미래",
    "동방",
    "새한",
    "한결",
    "우리",
    "태성",
    "정우",
    "서진",
    "누리",
    "다온",
    "해솔",
    "청운",
    "금강",
    "백두",
    "한마음",
    "으뜸",
    "세움",
    "가람",
    "보람",
    "신성",
    "동아",
    "삼호",
    "태평",
    "영진",
    "대성",
    "한울",
    "온누리",
    "새빛",
)
PATTERNS = {
    "works": ("(주){s}건설", "{s}토건(주)", "{s}종합건설(주)", "(주){s}개발", "{s}이엔씨(주)", "(주){s}조경"),
    "goods": ("(주){s}상사", "{s}산업(주)", "{s}테크(주)", "(주){s}유통", "{s}물산(주)", "(주){s}시스템"),
    "services": (
        "(주){s}엔지니어링",
        "{s}기술(주)",
        "(주){s}컨설팅",
        "{s}정보통신(주)",
        "(주){s}기획",
        "{s}환경(주)",
        "(주){s}시설관리",
    ),
    "ngo": (
        "(사){r}{s}복지회",
        "(사){r}자원봉사센터",
        "{r}{s}어린이집",
        "(사){r}장애인협회",
        "{r}{s}경로당연합회",
        "(사){r}새마을회",
        "{r}{s}지역아동센터",
        "(사){r}문화원",
    ),
    "foundation": ("(재){r}문화재단", "(재){r}장학재단", "(재){r}복지재단", "(재){r}관광재단", "(재){r}인재육성재단"),
}
AGENCIES = ("공무원연금공단", "국민건강보험공단", "국민연금공단", "근로복지공단", "{r}도시공사", "{r}시설관리공단")
LENDERS = ("지역개발기금", "공공자금관리기금", "NH농협은행", "KB국민은행", "한국지방재정공제회")
PEOPLE = ("수급자", "대상자", "보상 대상자", "수상자", "융자 대상자")
MINISTRIES = (
    "보건복지부",
    "국토교통부",
    "환경부",
    "행정안전부",
    "농림축산식품부",
    "문화체육관광부",
    "여성가족부",
    "고용노동부",
    "해양수산부",
    "산업통상자원부",
)


@dataclass(frozen=True)
class Creditor:
    name: str
    number: str  # 사업자등록번호, empty for people and public bodies
    bank: str
    account: str


def business_number(rng: random.Random) -> str:
    """A 사업자등록번호 with a valid check digit."""
    first_nine = "".join(map(str, [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]))
    return first_nine + types.brn_check_digit(first_nine)


def account_number(rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((11, 12, 13, 14))))


@dataclass
class Creditors:
    """Per kind, the creditors a government deals with; commitments point to them by (kind, index)."""

    by_kind: dict[str, list[Creditor]]

    def counts(self) -> dict[str, int]:
        return {kind: len(items) for kind, items in self.by_kind.items()}

    def get(self, kind: str, index: int) -> Creditor:
        return self.by_kind[kind][index]


def build(
    rng: random.Random,
    *,
    place: str,
    treasury_bank: str,
    parent: str,
    education_office: str,
    accounts: list[str],
    per_kind: int,
) -> Creditors:
    """The creditors of one government: `per_kind` businesses of each trade, the public bodies around it, and its
    own special accounts and funds (for 전출금)."""

    def firm(kind: str) -> list[Creditor]:
        names: list[str] = []
        patterns = PATTERNS[kind]
        for stem in rng.sample(STEMS, min(per_kind, len(STEMS))):
            name = rng.choice(patterns).format(s=stem, r=place)
            if name not in names:
                names.append(name)
        return [Creditor(n, business_number(rng), rng.choice(BANKS), account_number(rng)) for n in names]

    def public(names: list[str]) -> list[Creditor]:
        return [Creditor(n, "", treasury_bank, account_number(rng)) for n in names]

    treasury = f"{place} 금고({treasury_bank})"
    by_kind = {kind: firm(kind) for kind in PATTERNS}
    by_kind["payroll"] = public([f"{place} 소속 공무원 (보수 일괄)"])
    by_kind["staff"] = public([f"{place} 소속 공무원 (경비 일괄)"])
    by_kind["card"] = public([f"{treasury_bank} (법인카드 결제대금)"])
    by_kind["people"] = public([f"{place} {who} (일괄 지급)" for who in PEOPLE])
    by_kind["agency"] = public([a.format(r=place) for a in AGENCIES])
    by_kind["lender"] = public([*LENDERS[:-1], treasury])
    governments = [parent, education_office] if parent else [education_office, f"{place} 교육지원청"]
    by_kind["government"] = public([*governments, "국고 (보조금 정산 반환)"])
    by_kind["account"] = public([f"{place} {a}" for a in accounts] or [f"{place} 일반회계"])
    return Creditors(by_kind)


def payer_agency(revenue_code: str, rng: random.Random, *, parent: str) -> str:
    """Who pays a transfer revenue (교부세, 조정교부금, 보조금, 지방채)."""
    chapter = revenue_code[:1]
    if chapter == "3":
        return "행정안전부"
    if chapter == "4" or revenue_code.startswith("521"):
        return parent or "행정안전부"
    if chapter == "5":
        return rng.choice(MINISTRIES)
    if chapter == "6":
        return rng.choice(LENDERS[:2])
    if revenue_code.startswith(("115", "119-02")):
        return "국세청 (지방세 안분)"
    return ""
