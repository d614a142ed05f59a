"""The 성과계획서 of the demo: performance targets for every 정책사업 (a handful of indicator kinds per 분야: 이용자 수
명, 정비 건수 건, 만족도 점 …), and their results for the years that ended before the last demo year, with a reason
where a target was missed.

Deterministic without the plan's random streams (so the rest of the demo is unchanged): every number comes from a
sha256 of the government, the year, the project code and the indicator. Values are decimals as text, like the
actions write them."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from lofin.budget.rules import performance as rules

from .totals import YEARS


@dataclass(frozen=True)
class Kind:
    indicator: str
    unit: str
    method: str
    low: int  # the range of the baseline
    high: int
    direction: str = "increase"
    decimals: bool = False  # a score with one decimal (만족도 82.5점)


SATISFACTION = Kind("사업 만족도", "점", "연 1회 이용자 설문(100점 만점) 평균", 70, 85, decimals=True)
KINDS: dict[str, tuple[Kind, ...]] = {
    "010": (
        Kind("민원 처리 기간", "일", "민원처리시스템의 연간 평균 처리일수", 4, 9, "decrease"),
        Kind("정보공개 처리 건수", "건", "정보공개시스템 연간 처리 실적", 300, 2000),
        SATISFACTION,
    ),
    "020": (
        Kind("재난 예방 시설 정비 건수", "건", "시설물 정비 대장 연말 집계", 20, 120),
        Kind("안전 교육 이수자 수", "명", "교육 이수자 명부 집계", 500, 5000),
        Kind("재난 피해 건수", "건", "재난관리시스템 피해 신고 집계", 5, 40, "decrease"),
    ),
    "050": (
        Kind("평생학습 프로그램 이용자 수", "명", "수강생 명부 연인원", 1000, 9000),
        Kind("교육 지원 학교 수", "개교", "지원 교부 결정 건수", 10, 60),
        SATISFACTION,
    ),
    "060": (
        Kind("문화시설 이용자 수", "명", "시설 입장권·예약 시스템 연인원", 20000, 150000),
        Kind("축제·행사 개최 건수", "건", "행사 결과보고서 집계", 5, 30),
        SATISFACTION,
    ),
    "070": (
        Kind("노후 상하수도관 정비 연장", "km", "공사 준공 검사 조서 합계", 5, 40),
        Kind("생활폐기물 재활용률", "%", "폐기물 처리 실적 보고(재활용량 ÷ 발생량)", 40, 70),
        Kind("환경 민원 건수", "건", "민원처리시스템 환경 분야 접수", 100, 600, "decrease"),
    ),
    "080": (
        Kind("복지 서비스 이용자 수", "명", "사회보장정보시스템 연인원", 2000, 20000),
        Kind("노인 일자리 참여자 수", "명", "사업 참여자 명부 연말 인원", 300, 3000),
        SATISFACTION,
    ),
    "090": (
        Kind("건강검진 수검자 수", "명", "보건소 검진 시스템 집계", 1000, 12000),
        Kind("감염병 예방접종률", "%", "예방접종 등록 시스템 (접종자 ÷ 대상자)", 60, 90),
        SATISFACTION,
    ),
    "100": (
        Kind("농업 기반시설 정비 건수", "건", "준공 검사 조서 집계", 10, 80),
        Kind("친환경 인증 농가 수", "호", "인증기관 통보 집계", 50, 400),
        SATISFACTION,
    ),
    "110": (
        Kind("중소기업 지원 기업 수", "개사", "지원 결정 대장 집계", 30, 300),
        Kind("일자리 창출 인원", "명", "지원 기업 고용보험 가입자 증가 인원", 50, 800),
        SATISFACTION,
    ),
    "120": (
        Kind("대중교통 이용객 수", "천명", "교통카드 정산 자료 연인원", 500, 5000),
        Kind("도로 정비 연장", "km", "공사 준공 검사 조서 합계", 3, 30),
        Kind("교통사고 사망자 수", "명", "경찰청 교통사고 통계", 5, 40, "decrease"),
    ),
    "140": (
        Kind("도시재생 사업 정비 건수", "건", "사업 준공 보고 집계", 3, 25),
        Kind("공원 녹지 조성 면적", "천㎡", "준공 검사 조서 합계", 5, 60),
        SATISFACTION,
    ),
    "150": (
        Kind("연구개발 지원 과제 수", "건", "협약 체결 대장 집계", 5, 40),
        SATISFACTION,
    ),
}
REASONS = (
    "사업 착수 지연으로 하반기 실적 감소",
    "참여 대상자 모집 부진",
    "자재 수급 지연으로 공정 이월",
    "기상 악화로 행사 축소",
)
PER_PROJECT = 2


def _number(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()[:8], "big")


def _text(value: int, decimals: bool) -> str:
    """A value in tenths as canonical text (825 → "82.5", 800 → "80")."""
    if not decimals:
        return str(value // 10)
    whole, tenth = divmod(value, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def field_of(function_code: str) -> str:
    return function_code[:2] + "0"


def targets_for(gov_code: str, year: int, code: str, function_code: str) -> list[dict[str, Any]]:
    """The targets of one 정책사업 in one year (none for 예비비 and 기타), with the result for an ended year."""
    kinds = KINDS.get(field_of(function_code), ())
    if not kinds:
        return []
    start = _number(gov_code, code, "kinds") % len(kinds)
    chosen = [kinds[(start + i) % len(kinds)] for i in range(min(PER_PROJECT, len(kinds)))]
    out = []
    for kind in chosen:
        span = kind.high - kind.low + 1
        # Tenths throughout; whole-number indicators are rounded down to whole units by _text.
        baseline = (kind.low + _number(gov_code, code, kind.indicator) % span) * 10
        if kind.decimals:
            baseline += _number(gov_code, code, kind.indicator, "tenth") % 10
        step = (year - YEARS[0] + 1) * 3  # 3 % a year better than the baseline
        factor = 100 - step if kind.direction == "decrease" else 100 + step
        target = max(baseline * factor // 100, 10)
        row: dict[str, Any] = {
            "indicator": kind.indicator,
            "unit": kind.unit,
            "method": kind.method,
            "direction": kind.direction,
            "baseline_value": _text(baseline, kind.decimals),
            "target_value": _text(target, kind.decimals),
            "achieved_value": "",
            "shortfall_reason": "",
            "result_recorded_at": None,
        }
        if year < YEARS[-1]:
            # 85 %–114 % of the target: most met, some missed with a reason.
            ratio = 85 + _number(gov_code, year, code, kind.indicator, "result") % 30
            achieved = max(target * ratio // 100, 0)
            row["achieved_value"] = _text(achieved, kind.decimals)
            missed = not rules.achieved(row["target_value"], row["achieved_value"], kind.direction)
            if missed:
                row["shortfall_reason"] = REASONS[_number(gov_code, year, code, kind.indicator) % len(REASONS)]
            row["result_recorded_at"] = dt.datetime(year + 1, 1, 25, 1, 0, tzinfo=dt.UTC)
        out.append(row)
    return out
