"""Money helpers, fiscal-year rules and the Korean business-day calendar (pure functions, plus holidays
recorded by operators)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofin.core import fiscal, money, workdays
from lofin.core.fiscal import ClosingException
from lofin.core.models import ExtraHoliday
from lofin.core.templatetags.lofin import approx_won, count, won

D = dt.date


# --- money -----------------------------------------------------------------------------------------


def test_odd_won_are_dropped_by_the_rule_of_article_55():  # R-FY-5
    assert money.drop_odd_won(12_345_678) == 12_345_670
    assert money.drop_odd_won(9) == 0
    assert money.drop_odd_won(10) == 10
    assert money.drop_odd_won(-15) == -10


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_dropping_odd_won_never_adds_money_and_loses_less_than_ten(amount):
    dropped = money.drop_odd_won(amount)
    assert abs(dropped) <= abs(amount)
    assert abs(amount) - abs(dropped) < 10
    assert dropped % 10 == 0


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [
        (12_345_678, "원", "12,345,678원"),
        (12_345_678, "천원", "12,346천원"),
        (12_345_499, "천원", "12,345천원"),
        (1_234_567_890, "백만원", "1,235백만원"),
        (52_387_838_215_000, "억원", "523,878억원"),
        (-1_500, "천원", "-2천원"),
    ],
)
def test_formatting_in_larger_units_rounds_half_up_once(amount, unit, text):
    assert money.format_won(amount, unit) == text


@given(st.integers(min_value=0, max_value=10**15))
def test_a_unit_rounding_is_within_half_a_unit(amount):
    for unit, size in money.UNIT_SIZES.items():
        assert abs(money.in_unit(amount, unit) * size - amount) <= Decimal(size) / 2


def test_the_won_filter_speaks_the_readers_language():
    with translation.override("ko"):
        assert won(8_500_000) == "8,500,000원"
        assert won(8_500_000, "천원") == "8,500천원"
    with translation.override("en"):
        assert won(8_500_000) == "₩8,500,000"


def test_exact_shares_are_rounded_for_reading():
    with translation.override("ko"):
        assert approx_won("1234567/8") == "≈154,321원"
        assert approx_won("300000") == "300,000원"
        assert approx_won("") == ""


# --- fiscal year ------------------------------------------------------------------------------------


def test_the_fiscal_year_is_the_calendar_year():
    assert fiscal.fiscal_year(D(2025, 12, 31)) == 2025
    assert fiscal.fiscal_year(D(2026, 1, 1)) == 2026


def test_cash_work_of_a_year_closes_on_31_december():  # R-FY-1
    assert fiscal.may_post_cash(2025, D(2025, 12, 31))
    assert not fiscal.may_post_cash(2025, D(2026, 1, 2))
    assert not fiscal.may_post_cash(2025, D(2024, 12, 31))


def test_listed_exceptions_run_until_20_january():  # R-FY-1
    assert fiscal.may_post_cash(2025, D(2026, 1, 20), ClosingException.CARD_BILL)
    assert not fiscal.may_post_cash(2025, D(2026, 1, 21), ClosingException.CARD_BILL)


def test_no_cash_posting_after_10_february():  # R-FY-2
    assert fiscal.books_open(2025, D(2026, 2, 10))
    assert not fiscal.books_open(2025, D(2026, 2, 11))
    assert fiscal.completion_deadline(2025) == D(2026, 2, 10)


@given(st.integers(min_value=2000, max_value=2100), st.dates(min_value=D(1999, 1, 1), max_value=D(2102, 12, 31)))
def test_the_exception_window_always_contains_the_ordinary_window(fy, day):
    if fiscal.may_post_cash(fy, day):
        assert fiscal.may_post_cash(fy, day, ClosingException.INTER_ACCOUNT_TRANSFER)
        assert fiscal.books_open(fy, day)


# --- business days ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "is_business"),
    [
        (D(2026, 11, 25), True),  # a Wednesday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 2, 17), False),  # 설날
        (D(2026, 3, 2), False),  # 삼일절 대체공휴일 (1 March was a Sunday)
        (D(2026, 6, 3), False),  # 지방선거일
        (D(2026, 10, 5), False),  # 개천절 대체공휴일
        (D(2025, 10, 8), False),  # 추석 대체공휴일
    ],
)
def test_korean_business_days(day, is_business):
    assert workdays.is_business_day(day) is is_business


@pytest.mark.django_db
def test_due_dates_move_off_weekends_holidays_and_labour_day():  # R-RV-1
    assert workdays.due_date(D(2026, 11, 13)) == D(2026, 11, 30)  # 28 Nov is a Saturday
    assert workdays.due_date(D(2025, 4, 16)) == D(2025, 5, 2)  # 1 May (Labour Day) moves to the 2nd
    assert workdays.due_date(D(2026, 2, 2)) == D(2026, 2, 19)  # 17 Feb is 설날; the 18th too


@pytest.mark.django_db
def test_adding_business_days_skips_holidays():
    assert workdays.add_business_days(D(2026, 2, 13), 1) == D(2026, 2, 19)
    assert workdays.business_days_between(D(2026, 2, 13), D(2026, 2, 20)) == 2


@pytest.mark.django_db
def test_one_business_day_after_a_saturday_is_the_monday():
    assert workdays.add_business_days(D(2026, 11, 28), 1) == D(2026, 11, 30)
    assert workdays.business_days_between(D(2026, 11, 28), D(2026, 11, 30)) == 1
    assert workdays.add_business_days(D(2026, 11, 28), 0) == D(2026, 11, 30)


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)))
def test_the_next_business_day_is_a_business_day_within_ten_days(day):
    nxt = workdays.next_business_day(day)
    assert workdays.is_business_day(nxt)
    assert day <= nxt <= day + dt.timedelta(days=10)


@pytest.mark.django_db
def test_an_operator_declared_holiday_counts(db):
    assert workdays.is_business_day(D(2026, 11, 27))
    ExtraHoliday.objects.create(date=D(2026, 11, 27), name="임시공휴일")
    assert not workdays.is_business_day(D(2026, 11, 27))
    assert workdays.holiday_name(D(2026, 11, 27)) == "임시공휴일"


def test_counts_are_grouped_by_thousands_in_both_languages():
    assert [count(2059), count(0), count(1_234_567), count(None), count("")] == ["2,059", "0", "1,234,567", "", ""]
