"""Accounts other than the 일반회계 (with their 사업 and revenue mixes), the mix of 통계목 of each kind of
세부사업, the pools set before the programmes share the rest, and the 세부사업 a 추경 adds."""

from __future__ import annotations

from dataclasses import dataclass

from lofin.budget.models import AccountKind

from .totals import mix
from .vocabulary import PolicyTemplate, parse_vocabulary


@dataclass(frozen=True)
class AccountTemplate:
    """An account other than the 일반회계: which classes of government keep it (vocabulary.CLASSES), the weight of its share
    of the kind's total, the per-mille of its total the 일반회계 transfers in, its own revenue mix and its 사업."""

    code: str
    name: str
    kind: str
    classes: frozenset[str]
    weight: int
    transfer_permille: tuple[int, int]
    revenue_mix: dict[str, int]
    policies: tuple[PolicyTemplate, ...]


def _account(kind: str, header: str, vocabulary: str) -> AccountTemplate:
    """header: "code name | classes | weight | per-mille transferred in (low-high) | revenue code:weight …"."""
    identity, classes, weight, transfer, revenue = (part.strip() for part in header.split("|"))
    code, name = identity.split()
    low, high = (int(n) for n in transfer.split("-"))
    return AccountTemplate(
        code,
        name,
        kind,
        frozenset(classes.split()),
        int(weight),
        (low, high),
        mix(revenue),
        parse_vocabulary(vocabulary),
    )


ENTERPRISE, OTHER, FUND = AccountKind.ENTERPRISE_SPECIAL, AccountKind.OTHER_SPECIAL, AccountKind.FUND
ACCOUNT_TEMPLATES = (
    _account(
        ENTERPRISE,
        "210 상수도사업특별회계 | metro special city county | 45 | 20-60 | 212-03:60 214-09:10 216-01:2 711-01:20 611:8",
        """
상수도 시설 확충 [9510 071]
  상수관로 정비: {p}동 노후 상수관로 교체공사, 상수도 블록시스템 구축*, 누수 탐사 및 복구, {p} 배수지 증설공사
  정수시설 개선: 정수장 시설 개선공사, 정수처리 고도화 시설 설치*, 정수장 약품 구입@operating
상수도 운영관리 [9510 071]
  수도 운영: 수도계량기 교체@equipment, 수질검사 운영, 수도요금 고지 및 징수 위탁@entrusted, 정수장 운영 관리
상수도 행정운영경비 [9510 071]
  인건비: 상수도 인건비@personnel
  기본경비: 상수도 기본경비@basic
상수도 재무활동 [9510 071]
  지방채 상환: 상수도 지방채 원리금 상환@debt
""",
    ),
    _account(
        ENTERPRISE,
        "220 하수도사업특별회계 | metro special city county | 40 | 100-250 | 212-03:55 214-09:5 216-01:2 711-01:20 611:10",
        """
하수도 시설 확충 [9520 071]
  하수관로 정비: {p}동 하수관로 정비공사*, 분류식 하수관로 설치*, {p} 공공하수처리시설 증설*, 빗물펌프장 설치*
  하수처리 운영: 공공하수처리시설 관리대행@entrusted, 하수 슬러지 처리 위탁@entrusted, 개인하수처리시설 점검
하수도 행정운영경비 [9520 071]
  인건비: 하수도 인건비@personnel
  기본경비: 하수도 기본경비@basic
하수도 재무활동 [9520 071]
  지방채 상환: 하수도 지방채 원리금 상환@debt
""",
    ),
    _account(
        ENTERPRISE,
        "230 공영개발사업특별회계 | metro province special city | 20 | 0-50 | 221:60 214-09:15 711-01:20 216-01:5",
        """
공영개발 사업 [7700 142]
  택지 개발: {p}지구 택지개발사업, {p}지구 도시개발사업 보상, 공공용지 매입@works
  산업용지 개발 [4200]: {p} 일반산업단지 조성사업, 산업용지 분양 관리
""",
    ),
    _account(
        ENTERPRISE,
        "240 지역개발기금 | province special | 30 | 0-30 | 713:40 216-01:10 711-01:20 714:30",
        """
지역개발 융자 [2100 142]
  융자 사업: 시·군 지역개발사업 융자@loan, 상하수도 사업 융자@loan, {p} 공공시설 확충 융자@loan
  기금 운용: 지역개발채권 원리금 상환@debt, 기금 운용 관리@operating
""",
    ),
    _account(
        OTHER,
        "310 의료급여기금특별회계 | metro province special city county district | 30 | 150-250 | 711-01:30 223:5 216-01:2",
        """
의료급여 지원 [3600 081]
  의료급여: 의료급여 진료비 지원@medical*, 의료급여 사례관리 운영*, 의료급여 수급자 건강관리, {p}동 의료급여 상담 운영
""",
    ),
    _account(
        OTHER,
        "320 주차장특별회계 | metro special city district | 10 | 100-300 | 212-03:50 224-04:20 711-01:25 216-01:5",
        """
주차환경 개선 [7200 126]
  주차장 조성: {p}동 공영주차장 조성, 주택가 주차환경 개선*, 공영주차장 운영 위탁@entrusted, 주차장 시설 유지관리
""",
    ),
    _account(
        OTHER,
        "330 산업단지특별회계 | province city county | 15 | 50-200 | 221:40 214-09:20 711-01:35 216-01:5",
        """
산업단지 운영 [4200 143]
  산업단지 조성: {p} 농공단지 조성, 산업단지 기반시설 유지관리, 산업단지 분양 관리
""",
    ),
    _account(
        OTHER,
        "340 교통사업특별회계 | metro province special city | 35 | 200-400 | 212-03:20 224-05:15 711-01:40 611:15 216-01:10",
        """
교통사업 지원 [7300 126]
  대중교통 지원: 버스 재정지원@transport, 교통안전시설 확충, {p}로 교통체계 개선, 지능형교통체계 운영@it
""",
    ),
    _account(
        OTHER,
        "350 도시개발특별회계 | metro province special city | 20 | 50-200 | 221:50 711-01:40 216-01:10",
        """
도시개발 추진 [7700 142]
  도시개발: {p}지구 도시개발사업, 도시개발 보상, 도시개발 타당성 조사 용역
""",
    ),
    _account(
        OTHER,
        "360 폐기물처리시설특별회계 | metro special city county | 15 | 100-300 | 213-02:40 212-03:20 711-01:40",
        """
폐기물처리시설 운영 [6200 072]
  처리시설: 소각시설 운영@entrusted, 매립시설 정비, {p} 자원회수시설 설치*
""",
    ),
    _account(
        OTHER,
        "370 광역교통시설특별회계 | metro province special | 20 | 100-300 | 222:30 224-05:30 711-01:40",
        """
광역교통 개선 [7100 121]
  광역교통 시설: 광역도로 건설, {p} 광역환승센터 건립*, 광역교통 개선대책 사업
""",
    ),
    _account(
        OTHER,
        "380 기반시설특별회계 | metro city district | 10 | 50-200 | 224-05:40 711-01:45 216-01:15",
        """
기반시설 확충 [7400 142]
  기반시설: {p}지구 기반시설 설치, 기반시설 설치계획 수립 용역, {p}동 생활기반시설 정비
""",
    ),
    _account(
        FUND,
        "410 재난관리기금 | metro province special city county district | 20 | 300-600 | 216-01:15 714:45 711-01:25 722:15",
        """
재난관리기금 운용 [8200 025]
  재난 예방·복구: 재난 예방 시설 정비, 재난 응급 복구 지원, {p}동 재난 취약시설 보강, 재난관리기금 의무예치@mandatory_deposit
""",
    ),
    _account(
        FUND,
        "420 통합재정안정화기금 | metro province special city county district | 45 | 200-500 | 216-01:15 714:45 711-01:25 722:15",
        """
재정안정화기금 운용 [2100 014]
  기금 운용: 재정안정화기금 예치@deposit, 기금 운용 관리
""",
    ),
    _account(
        FUND,
        "430 식품진흥기금 | metro province special city county district | 3 | 0-100 | 216-01:30 713:30 711-01:40",
        """
식품진흥기금 운용 [9300 093]
  식품 진흥: 식품위생업소 시설개선 융자@loan, 음식문화 개선 지원, 식품위생 교육 지원
""",
    ),
    _account(
        FUND,
        "440 노인복지기금 | metro province special city county district | 4 | 300-700 | 216-01:30 714:30 711-01:40",
        """
노인복지기금 운용 [3200 085]
  노인 여가: 경로당 프로그램 지원, 노인 여가활동 지원, {p}동 어르신 쉼터 운영 지원
""",
    ),
    _account(
        FUND,
        "450 중소기업육성기금 | metro province special city county district | 15 | 100-400 | 713:40 216-01:20 711-01:40",
        """
중소기업육성기금 운용 [4200 111]
  기업 지원: 중소기업 경영안정자금 융자@loan, 소상공인 이차보전@interest
""",
    ),
    _account(
        FUND,
        "460 체육진흥기금 | metro province special city county district | 4 | 300-700 | 216-01:30 714:30 711-01:40",
        """
체육진흥기금 운용 [5300 063]
  체육 진흥: 생활체육 프로그램 지원, 체육 유망주 육성 지원
""",
    ),
    _account(
        FUND,
        "470 양성평등기금 | metro province special city county district | 2 | 300-700 | 216-01:30 714:30 711-01:40",
        """
양성평등기금 운용 [3400 084]
  양성평등 증진: 양성평등 공모사업 지원+, 여성단체 활동 지원+
""",
    ),
    _account(
        FUND,
        "480 옥외광고발전기금 | metro province special city county district | 2 | 100-400 | 216-01:30 714:30 711-01:40",
        """
옥외광고발전기금 운용 [7500 142]
  광고물 정비: 불법 광고물 정비, 간판 개선 지원, {p}로 간판 정비사업
""",
    ),
    _account(
        FUND,
        "490 재해구호기금 | metro province special | 5 | 300-600 | 216-01:20 714:40 711-01:40",
        """
재해구호기금 운용 [8200 025]
  재해 구호: 이재민 구호 지원, 구호 물자 비축@equipment
""",
    ),
)
TEMPLATE_BY_CODE = {t.code: t for t in ACCOUNT_TEMPLATES}
# How many accounts of each kind a class of government runs (low, high); always at least the first one listed.
ACCOUNT_COUNTS = {
    ENTERPRISE: {
        "metro": (2, 3),
        "province": (1, 2),
        "special": (2, 3),
        "city": (2, 3),
        "county": (1, 2),
        "district": (1, 1),
    },
    OTHER: {
        "metro": (4, 6),
        "province": (3, 4),
        "special": (3, 4),
        "city": (2, 4),
        "county": (1, 3),
        "district": (1, 2),
    },
    FUND: {
        "metro": (6, 9),
        "province": (6, 8),
        "special": (5, 7),
        "city": (3, 6),
        "county": (3, 5),
        "district": (3, 5),
    },
}
# Accounts chosen first when a government has the kind (water and development, 의료급여 and parking, the two funds
# every government keeps); the rest are drawn.
MAIN_ACCOUNTS = {ENTERPRISE: ("210", "230"), OTHER: ("310", "320"), FUND: ("410", "420")}

# 통계목 mix of each kind of 세부사업: (base weight of its money, ((통계목, share ‰, chance % to have it), …)).
PROFILES: dict[str, tuple[int, tuple[tuple[str, int, int], ...]]] = {
    "works": (35, (("401-01", 900, 100), ("401-02", 40, 40), ("401-03", 25, 60))),
    "benefit": (150, (("301-03", 960, 100), ("201-01", 40, 30))),
    "grant": (25, (("307-02", 920, 100), ("201-01", 80, 30))),
    "welfare_grant": (45, (("307-11", 900, 100), ("201-01", 100, 30))),
    "local_grant": (40, (("308-01", 800, 100), ("403-01", 200, 40))),
    "local_capital_grant": (40, (("403-01", 1000, 100),)),
    "facility": (70, (("307-10", 850, 100), ("402-01", 150, 30))),
    "operating": (12, (("201-01", 550, 100), ("201-02", 250, 50), ("202-01", 60, 40), ("201-03", 140, 20))),
    "entrusted": (35, (("307-05", 900, 100), ("201-01", 100, 30))),
    "event": (10, (("201-03", 450, 100), ("307-04", 450, 60), ("201-01", 100, 40))),
    "study": (5, (("207-01", 1000, 100),)),
    "it": (15, (("207-02", 650, 100), ("201-01", 250, 60), ("405-01", 100, 30))),
    "equipment": (10, (("405-01", 850, 100), ("201-01", 150, 30))),
    "capital_grant": (30, (("402-01", 700, 100), ("402-02", 300, 40))),
    "loan": (40, (("501-01", 1000, 100),)),
    "interest": (10, (("307-08", 1000, 100),)),
    "school": (30, (("308-08", 1000, 100),)),
    "univ": (20, (("308-09", 1000, 100),)),
    "scholar": (8, (("301-04", 1000, 100),)),
    "contribution": (30, (("306-01", 1000, 100),)),
    "medical": (200, (("307-01", 1000, 100),)),
    "transport": (120, (("307-09", 1000, 100),)),
    "public_corp": (120, (("309-01", 750, 100), ("404-01", 250, 50))),
    "tongjang": (12, (("301-07", 1000, 100),)),
    "firevol": (6, (("301-05", 1000, 100),)),
    "troupe": (25, (("301-12", 700, 100), ("201-01", 300, 100))),
    "council_pay": (20, (("205-01", 420, 100), ("205-02", 480, 100), ("205-11", 60, 100), ("205-12", 40, 100))),
    "council_ops": (6, (("205-05", 600, 100), ("205-06", 400, 100))),
    "council_dev": (3, (("205-07", 500, 100), ("205-09", 500, 100))),
    "council_travel": (3, (("205-03", 600, 100), ("205-04", 400, 100))),
    "deposit": (100, (("602-01", 1000, 100),)),
    "mandatory_deposit": (60, (("602-02", 1000, 100),)),
    # Pools whose total is set first (see POOL_PERMILLE); their weight only splits the pool.
    "personnel": (
        100,
        (
            ("101-01", 620, 100),
            ("101-02", 40, 100),
            ("101-03", 120, 100),
            ("101-04", 50, 100),
            ("201-04", 20, 100),
            ("304-01", 90, 100),
            ("304-02", 40, 100),
            ("304-04", 20, 100),
        ),
    ),
    "basic": (100, (("201-01", 650, 100), ("202-01", 200, 100), ("203-04", 150, 100))),
    "institution": (30, (("203-01", 500, 100), ("203-03", 500, 100))),
    "debt": (100, (("311-01", 350, 100), ("601-01", 650, 100))),
    "reserve": (100, (("801-01", 750, 100), ("801-02", 250, 40))),
    "transfer:" + OTHER: (100, (("701-01", 1000, 100),)),
    "transfer:" + ENTERPRISE: (100, (("701-02", 1000, 100),)),
    "transfer:" + FUND: (100, (("702-01", 1000, 100),)),
    "education": (100, (("308-10", 1000, 100),)),
    "adjustment": (100, (("308-01", 1000, 100),)),
}
POOL_OF_PROFILE = {
    "personnel": "personnel",
    "basic": "basic",
    "institution": "basic",
    "debt": "debt",
    "reserve": "reserve",
    "education": "education",
    "adjustment": "adjustment",
}
# Details that every account with the template has, whatever the size.
STRUCTURAL_PROFILES = frozenset({"personnel", "basic", "institution", "debt", "deposit", "mandatory_deposit"})
# Pools as a per-mille (low, high) of their account's total, drawn once per government and account.
POOL_PERMILLE = {
    "general": {
        "personnel": {"metro": (40, 70), "province": (30, 50), "special": (60, 90), "_": (120, 180)},
        "basic": {"_": (8, 18)},
        "debt": {"_": (5, 20)},
        "reserve": {"_": (4, 9)},
        "education": {"metro": (60, 90), "province": (40, 60), "special": (60, 90)},
        "adjustment": {"metro": (80, 120), "province": (30, 50)},
    },
    "other": {"personnel": {"_": (50, 90)}, "basic": {"_": (5, 15)}, "debt": {"_": (20, 60)}},
}
# Transfers from the 일반회계 to all other accounts together are kept under this per-mille of the 일반회계.
TRANSFER_CAP_PERMILLE = 80
# The State and province shares of an account may fund at most this per-mille of what own revenue leaves.
SUBSIDY_CAP_PERMILLE = {"general_metro": 450, "general_basic": 550, "other": 850}
# 국고보조율 (basis points) and how often each occurs among 국고보조 candidates.
STATE_SHARES = (5000, 5000, 5000, 7000, 7000, 8000, 4000, 3000)

# A log-normal spread (σ = 1) of 32 quantiles ×100: integer weights keep every platform's data identical.
SPREAD: tuple[int, ...] = (12, 19, 24, 29, 34, 39, 44, 48, 53, 59, 64, 70, 76, 82, 89, 96)
SPREAD += (104, 112, 122, 132, 143, 156, 170, 187, 206, 229, 258, 294, 342, 413, 534, 862)

# 세부사업 a 추경 adds, by 부문: 민생, 재난 and 경기 items, as 2025 supplementary budgets did.
SUPPLEMENTARY_DETAILS = (
    ("089", "민생회복 지원금 지급@benefit"),
    ("114", "소상공인 경영안정 자금 지원"),
    ("025", "집중호우 피해 복구공사@works"),
    ("025", "폭염 대비 그늘막 설치@works"),
    ("114", "전통시장 활성화 긴급 지원"),
    ("086", "청년 일자리 창출 긴급 지원"),
    ("081", "에너지 취약계층 난방비 지원@benefit"),
    ("121", "{p}동 노후 보도 긴급 정비@works"),
    ("141", "{p}천 수해 복구공사@works"),
    ("085", "경로당 냉방비 추가 지원"),
    ("016", "재난안전 통신망 고도화@it"),
    ("102", "산불 예방 감시 인력 운영@operating"),
)
