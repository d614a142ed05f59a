"""Revenue codes of the demo budgets: which 세목 each class of government levies, the mixes of 세외수입 and
transfers, and the fixed codes the planner fills (보조금, 잉여금, 전입금)."""

from __future__ import annotations

from lofin.budget import codes

from .totals import mix

# 세목 each class of government levies (revenues.csv `levels` is checked against these at import), weights of
# their yield.
TAX_MIX = {
    "metro": mix(
        "111:28 112:2 113:1 114:6 115:20 116-01:1 117-01:10 117-02:8 118-02:8 119-01:5 119-02:4 121-02:1 121-03:2 122:8 131:2"
    ),
    "province": mix("111:45 112:3 113:2 115:30 121-01:1 121-03:3 122:12 131:2"),
    "special": mix(
        "111:25 112:2 113:1 114:5 115:15 116-01:1 116-02:1 117-01:10 117-02:8 118-01:12 119-01:5 119-02:3 121-03:2 122:7 131:2"
    ),
    "city_county": mix("114:8 115:8 116-01:1 116-02:2 116-03:1 117-01:18 117-02:15 118-01:25 119-01:10 119-02:6 131:3"),
    "district": mix("112:12 115:3 116-02:8 116-03:4 118-01:65 131:4"),
}
NONTAX_MIX = mix(
    "211-02:8 212-01:4 212-03:6 213-01:2 213-02:4 213-03:5 214-09:4 215-01:6 216-01:8 221:10 223:3 224-01:2 224-02:1 224-03:2 224-04:5 224-05:6 225:6"
)
# What own revenue and the State and province shares leave: 지방교부세, 조정교부금, 잉여금, 지방채.
TRANSFER_MIX = {
    "metro": mix("311:35 312:2 314:3 711-01:20 611:6 711-02:2"),
    "province": mix("311:55 312:2 314:3 711-01:15 611:5 711-02:2"),
    "special": mix("311:50 312:2 314:3 711-01:15 611:5 711-02:2"),
    "city_county": mix("311:60 312:3 313:5 421:14 422:2 711-01:15 611:3 711-02:2"),
    "district": mix("411:60 412:5 312:2 313:6 711-01:15 711-02:2"),
}
# 보통교부세 goes only to governments whose own revenue falls short of their needs (불교부단체 get none).
NO_ORDINARY_GRANT_ABOVE_TENTHS = 600
# The State's share arrives as 국고보조금, 균형발전특별회계보조금 and 기금보조금 (per mille).
STATE_SUBSIDY = "511"
STATE_REVENUE_SPLIT = ((STATE_SUBSIDY, 800), ("512", 120), ("513", 80))
SURPLUS = "711-01"
TRANSFER_IN = "721-01"
PROVINCE_SUBSIDY = "521"
REVENUE_DEPARTMENTS = {"1": "2300", "2": "2100"}


def revenue_text(code: str, name: str, year: int) -> str:
    if code.startswith("1"):
        return f"{year}년 {name} 부과 추계액 반영"
    if code.startswith("2"):
        return f"최근 3년 {name} 징수 실적 평균 반영"
    if code.startswith(("3", "4")):
        return f"{year}년 {name} 내시액 기준"
    if code.startswith("5"):
        return "국고·시도비 보조사업 내시액 합계"
    if code == SURPLUS:
        return f"{year - 1}회계연도 결산 순세계잉여금 추계"
    if code == TRANSFER_IN:
        return "일반회계 전입금"
    return f"{year}년 {name} 계획액"


REVENUE_CODES = {r["code"]: r for r in codes.read("revenue")}
LEVEL_GROUP = {
    "metro": "metro",
    "province": "province",
    "special": "special",
    "city": "city_county",
    "county": "city_county",
    "district": "district",
}


def revenue_allowed(code: str, revenue_group: str) -> bool:
    levels = REVENUE_CODES[code]["levels"]
    return levels == "all" or revenue_group in levels.split("|")
