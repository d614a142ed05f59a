"""산출근거: the rows (unit price × quantity × times) under each expenditure line, adding up to it exactly."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BasisTemplate:
    """One kind of 산출근거 row: a label ({d} is the 세부사업's name), a unit price drawn from low..high in steps,
    the unit counted, and how many times a year (times_unit "" prints no "× n회")."""

    label: str
    low: int
    high: int
    step: int
    unit: str
    times: int = 1
    times_unit: str = ""


def _t(label: str, low: int, high: int, step: int, unit: str, times: int = 1, times_unit: str = "") -> BasisTemplate:
    return BasisTemplate(label, low, high, step, unit, times, times_unit)


# Items stated as one sum (예비비, 전출금, 상환금): a single row "… 1식".
LUMP_SUM_OBJECTS = frozenset(
    {"801-01", "801-02", "701-01", "701-02", "702-01", "308-10", "601-01", "311-01", "602-01", "602-02", "309-01"}
)
BASIS_TEMPLATES: dict[str, tuple[BasisTemplate, ...]] = {
    "101-01": (
        _t("공무원 보수", 3_200_000, 5_800_000, 10_000, "명", 12, "월"),
        _t("정근수당", 800_000, 2_000_000, 10_000, "명", 2, "회"),
    ),
    "101-02": (_t("임기제 공무원 보수", 3_500_000, 6_000_000, 10_000, "명", 12, "월"),),
    "101-03": (_t("공무직 근로자 보수", 2_600_000, 3_600_000, 10_000, "명", 12, "월"),),
    "101-04": (_t("기간제 근로자 보수", 2_100_000, 2_600_000, 10_000, "명", 12, "월"),),
    "201-01": (
        _t("사무용품 구입", 20_000, 200_000, 1_000, "개", 4, "분기"),
        _t("인쇄물 제작", 1_000, 15_000, 100, "부", 2, "회"),
        _t("위원회 참석수당", 150_000, 150_000, 1, "명", 6, "회"),
        _t("홍보물 제작", 500_000, 5_000_000, 10_000, "종"),
        _t("{d} 운영 인력 인건비", 2_200_000, 3_000_000, 10_000, "명", 12, "월"),
        _t("{d} 위탁 용역", 10_000_000, 300_000_000, 1_000_000, "건"),
    ),
    "201-02": (
        _t("전기요금", 300_000, 5_000_000, 10_000, "개소", 12, "월"),
        _t("상하수도요금", 50_000, 800_000, 10_000, "개소", 12, "월"),
        _t("시설물 안전점검", 1_000_000, 8_000_000, 100_000, "개소"),
        _t("시설 관리 용역", 5_000_000, 80_000_000, 100_000, "개소", 12, "월"),
    ),
    "201-03": (
        _t("{d} 행사 운영", 1_000_000, 30_000_000, 100_000, "회"),
        _t("참가자 기념품", 5_000, 20_000, 1_000, "명"),
    ),
    "201-04": (_t("맞춤형 복지포인트", 500_000, 1_000_000, 10_000, "명"),),
    "202-01": (
        _t("관내 출장여비", 20_000, 20_000, 1, "명", 12, "월"),
        _t("관외 출장여비", 80_000, 150_000, 10_000, "명", 4, "회"),
    ),
    "203-01": (_t("기관운영 업무추진비", 1_000_000, 3_000_000, 100_000, "명", 12, "월"),),
    "203-03": (_t("시책추진 업무추진비", 500_000, 2_000_000, 100_000, "부서", 12, "월"),),
    "203-04": (_t("부서운영 업무추진비", 150_000, 300_000, 10_000, "명", 12, "월"),),
    "205-01": (_t("의정활동비", 1_500_000, 1_500_000, 1, "명", 12, "월"),),
    "205-02": (_t("월정수당", 2_500_000, 4_500_000, 10_000, "명", 12, "월"),),
    "205-03": (_t("의원 국내여비", 100_000, 300_000, 10_000, "명", 4, "회"),),
    "205-04": (_t("의원 국외여비", 3_000_000, 5_000_000, 100_000, "명"),),
    "205-05": (_t("의정운영 공통경비", 500_000, 3_000_000, 100_000, "회", 12, "월"),),
    "205-06": (_t("의회운영 업무추진비", 1_000_000, 3_000_000, 100_000, "명", 12, "월"),),
    "205-07": (_t("의원 연수", 300_000, 1_000_000, 10_000, "명", 2, "회"),),
    "205-09": (_t("의원 정책개발 연구용역", 10_000_000, 30_000_000, 1_000_000, "건"),),
    "205-11": (_t("의원 국민연금 부담금", 200_000, 400_000, 10_000, "명", 12, "월"),),
    "205-12": (_t("의원 건강보험 부담금", 150_000, 300_000, 10_000, "명", 12, "월"),),
    "207-01": (_t("{d} 학술연구 용역", 20_000_000, 200_000_000, 1_000_000, "건"),),
    "207-02": (
        _t("{d} 시스템 개발", 50_000_000, 500_000_000, 1_000_000, "식"),
        _t("시스템 유지관리", 1_000_000, 10_000_000, 100_000, "식", 12, "월"),
    ),
    "301-01": (_t("{d}", 100_000, 700_000, 10_000, "명", 12, "월"),),
    "301-02": (_t("{d}", 100_000, 700_000, 10_000, "명", 12, "월"),),
    "301-03": (_t("{d}", 50_000, 500_000, 10_000, "명", 12, "월"),),
    "301-04": (_t("장학금", 1_000_000, 3_000_000, 100_000, "명", 2, "학기"),),
    "301-05": (_t("의용소방대원 활동 수당", 30_000, 50_000, 1_000, "명", 12, "월"),),
    "301-07": (_t("통장 활동 수당", 400_000, 400_000, 1, "명", 12, "월"),),
    "301-12": (_t("예술단원 보상금", 2_000_000, 3_500_000, 10_000, "명", 12, "월"),),
    "304-01": (_t("연금부담금", 400_000, 700_000, 10_000, "명", 12, "월"),),
    "304-02": (_t("국민건강보험 부담금", 150_000, 250_000, 10_000, "명", 12, "월"),),
    "304-04": (_t("공무직 사회보험 부담금", 250_000, 350_000, 10_000, "명", 12, "월"),),
    "306-01": (_t("{d}", 100_000_000, 2_000_000_000, 10_000_000, "식"),),
    "307-01": (_t("의료급여 진료비", 50_000, 300_000, 10_000, "건", 12, "월"),),
    "307-02": (
        _t("{d} 보조", 1_000_000, 50_000_000, 100_000, "개소"),
        _t("{d} 보조", 50_000_000, 1_000_000_000, 10_000_000, "개 단체"),
    ),
    "307-04": (_t("{d} 행사 보조", 5_000_000, 100_000_000, 1_000_000, "회"),),
    "307-05": (_t("{d} 민간위탁금", 10_000_000, 200_000_000, 1_000_000, "개소"),),
    "307-08": (_t("융자 이차보전", 100_000, 2_000_000, 10_000, "업체"),),
    "307-09": (_t("운수업체 재정지원", 10_000_000, 100_000_000, 1_000_000, "개사", 12, "월"),),
    "307-10": (_t("사회복지시설 운영비", 3_000_000, 30_000_000, 100_000, "개소", 12, "월"),),
    "307-11": (_t("{d}", 100_000, 5_000_000, 10_000, "명", 12, "월"),),
    "308-01": (_t("{d}", 100_000_000, 5_000_000_000, 1_000_000, "개 자치단체"),),
    "308-08": (_t("학교 교육경비 보조", 10_000_000, 100_000_000, 1_000_000, "개교"),),
    "308-09": (_t("{d}", 100_000_000, 1_000_000_000, 10_000_000, "개 대학"),),
    "401-01": (
        _t("{d} 공사비", 50_000_000, 3_000_000_000, 10_000_000, "식"),
        _t("부대공사", 10_000_000, 300_000_000, 1_000_000, "식"),
    ),
    "401-02": (_t("건설사업관리 용역", 10_000_000, 300_000_000, 1_000_000, "식"),),
    "401-03": (_t("시설부대비", 1_000_000, 50_000_000, 100_000, "식"),),
    "402-01": (_t("{d} 자본보조", 10_000_000, 500_000_000, 1_000_000, "개소"),),
    "402-02": (_t("{d} 자본보조(이전재원)", 10_000_000, 500_000_000, 1_000_000, "개소"),),
    "403-01": (_t("{d} 시·군 자본보조", 100_000_000, 2_000_000_000, 10_000_000, "개 시·군"),),
    "404-01": (_t("공사 자본전출금", 100_000_000, 5_000_000_000, 10_000_000, "식"),),
    "405-01": (_t("{d} 장비 구입", 500_000, 50_000_000, 10_000, "대"),),
    "501-01": (_t("{d}", 10_000_000, 300_000_000, 1_000_000, "건"),),
}
DEFAULT_BASIS = (_t("{d}", 100_000, 10_000_000, 10_000, "식"),)
MAX_BASIS_QUANTITY = 2000
# The last row of a line rounds it off to the amount budgeted; its wording follows the 편성목.
REMAINDER_LABELS = {
    "101": "각종 수당 및 상여금",
    "201": "기타 운영경비",
    "202": "기타 여비",
    "203": "기타 업무추진비",
    "207": "기타 용역비",
    "301": "기타 지원금",
    "304": "부담금 정산분",
    "307": "기타 보조금",
    "401": "부대 공사비",
    "405": "기타 취득비",
}


def _describe(label: str, price: int, quantity: int, template: BasisTemplate) -> str:
    text = f"{label} {price:,}원 × {quantity:,}{template.unit}"
    return f"{text} × {template.times}{template.times_unit}" if template.times_unit else text


def basis_rows(
    amount: int, object_code: str, detail_name: str, rng: random.Random
) -> list[tuple[str, int, int, int, int]]:
    """산출근거 of a line: (description, unit price, quantity, times, amount) rows whose amounts add up to the
    line exactly. Rows are unit price × quantity × times; what does not factor is a last row "… 1식"."""
    short_name = detail_name[:40]
    if object_code in LUMP_SUM_OBJECTS:
        label = (BASIS_TEMPLATES.get(object_code) or (_t(short_name, 0, 0, 1, "식"),))[0].label
        return [(f"{label.replace('{d}', short_name)} 1식", amount, 1, 1, amount)]
    templates = BASIS_TEMPLATES.get(object_code, DEFAULT_BASIS)
    draw = rng.random()
    wanted = 1 if draw < 0.35 else 2 if draw < 0.75 else 3
    first = _pick_template(templates, amount, rng)
    if wanted == 1:
        exact = _factor(amount, first, short_name)
        if exact is not None:
            return [exact]
        wanted = 2
    rows = []
    remaining = amount
    template = first
    for i in range(wanted - 1):
        if i:
            template = _pick_template(templates, remaining, rng)
        price = rng.randrange(template.low, template.high + 1, template.step)
        per_unit = price * template.times
        # The priced rows carry most of the line; the last row "… 1식" rounds it off.
        quantity = remaining * (6 + rng.randrange(4) if i == wanted - 2 else 5 + rng.randrange(3)) // 10 // per_unit
        if quantity < 1:
            break
        label = template.label.replace("{d}", short_name)
        row_amount = per_unit * quantity
        rows.append((_describe(label, price, quantity, template), price, quantity, template.times, row_amount))
        remaining -= row_amount
    if remaining:
        label = (
            REMAINDER_LABELS.get(object_code[:3], "기타 소요경비") if rows else first.label.replace("{d}", short_name)
        )
        rows.append((f"{label} 1식", remaining, 1, 1, remaining))
    return rows


def _pick_template(templates: Sequence[BasisTemplate], amount: int, rng: random.Random) -> BasisTemplate:
    """A kind of row that fits the money: no thousands of pencils for a billion-won line."""
    if len(templates) == 1:
        return templates[0]
    fitting = [t for t in templates if amount // (t.high * t.times) <= MAX_BASIS_QUANTITY]
    if not fitting:
        return max(templates, key=lambda t: t.high * t.times)
    return fitting[rng.randrange(len(fitting))]


def _factor(amount: int, template: BasisTemplate, short_name: str) -> tuple[str, int, int, int, int] | None:
    """The line as one row price × quantity × times when it factors with a round price near the template's."""
    if amount % template.times:
        return None
    per_time = amount // template.times
    guess = max(1, per_time // ((template.low + template.high) // 2 or 1))
    for quantity in (guess, guess + 1, guess - 1, guess + 2, guess - 2):
        if quantity < 1 or per_time % quantity:
            continue
        price = per_time // quantity
        if price % 1000 == 0 and template.low // 2 <= price <= template.high * 2:
            label = template.label.replace("{d}", short_name)
            return (_describe(label, price, quantity, template), price, quantity, template.times, amount)
    return None
