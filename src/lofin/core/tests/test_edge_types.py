"""Values at the edge (core.types, core.fields): one set of bounds for the API, the screens and the actions.
Strict where money goes wrong: a bool, a text or a float is not an amount; an Arabic-Indic digit is not a digit."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st
from ninja import Schema
from pydantic import ValidationError

from lofin.core import types
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.fields import AccountNumberField, BusinessNumberField, DateField, WonField


class Request(Schema):
    amount: types.PositiveWon
    deduction: types.Won = 0
    year: types.Year = 2026
    on: types.Day = dt.date(2026, 1, 2)
    account: types.AccountNumber = "1234567890"
    business: types.BusinessNumber = "2048631263"
    note: types.Text(10) = ""  # type: ignore[valid-type]


def refused(**body):
    with pytest.raises(ValidationError) as error:
        Request.model_validate({"amount": 1, **body})
    return [".".join(map(str, e["loc"])) for e in error.value.errors()]


@pytest.mark.parametrize("amount", [True, False, "100", 100.0, 1.5, None, Decimal(5), [1]])
def test_only_an_integer_is_an_amount_in_a_request(amount):
    assert refused(amount=amount) == ["amount"]


@pytest.mark.parametrize(("field", "value"), [("amount", 0), ("amount", 10**15 + 1), ("deduction", -1)])
def test_amounts_have_one_set_of_bounds(field, value):
    assert refused(**{field: value}) == [field]


def test_the_bounds_are_inclusive():
    ok = Request.model_validate({"amount": 10**15, "deduction": 0, "year": 2100, "on": "2100-12-31"})
    assert (ok.amount, ok.deduction, ok.year, ok.on) == (10**15, 0, 2100, dt.date(2100, 12, 31))


@pytest.mark.parametrize("year", [1999, 2101, "1999", 2026.0, True, "٢٠٢٦"])
def test_a_year_is_an_integer_from_2000_to_2100(year):
    assert refused(year=year) == ["year"]


@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-01", 1700000000, "2026-01-01T00:00", "26-01-01", "2026-02-30"])
def test_a_day_is_written_yyyy_mm_dd_within_the_calendar(day):
    assert refused(on=day) == ["on"]


@pytest.mark.parametrize("account", ["١٢٣٤٥٦٧٨", "１２３４５６７８", "12345", "1" * 21, "12-34-", "abc12345", 12345678])
def test_an_account_number_is_six_to_twenty_ascii_digits(account):
    assert refused(account=account) == ["account"]


def test_an_account_number_is_kept_as_its_digits():
    assert Request.model_validate({"amount": 1, "account": "110-123-456789"}).account == "110123456789"


@pytest.mark.parametrize("number", ["2048631264", "204863126", "０４８６３１２６３", "000-00-00000", "abcdefghij"])
def test_a_business_number_must_pass_the_tax_service_check(number):
    assert refused(business=number) == ["business"]


def test_business_numbers_are_read_with_hyphens_and_kept_as_ten_digits():
    assert types.parse_business_number("204-86-31263") == "2048631263"
    assert types.parse_business_number("602-81-31841") == "6028131841"
    assert types.business_number_is_valid("116-82-00276") is True
    assert types.business_number_is_valid("116-82-00277") is False


def test_text_is_bounded_and_has_no_nul():
    assert refused(note="x" * 11) == ["note"]
    assert refused(note="a\x00b") == ["note"]
    assert refused(note=5) == ["note"]


@given(st.integers(min_value=1, max_value=types.MAX_WON))
def test_a_typed_amount_reads_back_exactly(amount):
    assert types.parse_won(f"{amount:,}원") == amount
    assert types.parse_won(str(amount)) == amount


@pytest.mark.parametrize("text", ["1.5", "-3", "1e6", "١٠٠", "１００", "", "원"])
def test_typed_amounts_are_whole_ascii_won(text):
    with pytest.raises(ValueError):
        types.parse_won(text)


def test_a_year_out_of_range_is_a_missing_page_or_bad_input():
    assert types.year_or_404(2026) == types.checked_year(2026) == 2026
    with pytest.raises(NotFound):
        types.year_or_404(1999)
    with pytest.raises(InvalidInput) as error:
        types.checked_year(2101)
    assert error.value.detail == {"field": "year"}


class Screen(forms.Form):
    amount = WonField()
    on = DateField(required=False)
    account = AccountNumberField(required=False)
    business = BusinessNumberField(required=False)


def screen(**data):
    form = Screen(data={"amount": "1,000", **data})
    form.is_valid()
    return form


def test_screens_read_what_people_type_with_the_same_bounds():
    form = screen(amount="1,000,000원", on="2026-03-02", account="110-123-456789", business="204-86-31263")
    assert form.errors == {}
    assert form.cleaned_data == {
        "amount": 1_000_000,
        "on": dt.date(2026, 3, 2),
        "account": "110123456789",
        "business": "2048631263",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "0"),
        ("amount", "١٠٠٠"),
        ("amount", "1,000,000,000,000,001"),
        ("on", "2101-01-01"),
        ("account", "١٢٣٤٥٦٧٨"),
        ("business", "204-86-31264"),
    ],
)
def test_screens_refuse_at_the_field(field, value):
    assert list(screen(**{field: value}).errors) == [field]


class Address(Schema):
    line_id: types.Id
    year: types.Year = 2026


@pytest.mark.parametrize(("text", "value"), [("42", 42), ("9223372036854775807", 2**63 - 1)])
def test_an_id_in_an_address_is_read_from_its_digits(text, value):
    assert Address.model_validate({"line_id": text}).line_id == value


@pytest.mark.parametrize(
    ("field", "text"),
    [
        *[("line_id", text) for text in ("0", "-1", "9223372036854775808", "1.0", "٤٢", " 12", "", "true")],
        ("year", "1999"),
        ("year", "2026.0"),
    ],
)
def test_an_address_or_query_takes_ascii_digits_within_the_bounds(field, text):
    with pytest.raises(ValidationError):
        Address.model_validate({"line_id": "1", field: text})


@pytest.mark.parametrize("value", [0, -1, 2**63, True, False, 1.0, 12.5, "١٢", None, [1]])
def test_anything_else_is_not_an_id(value):
    with pytest.raises(ValidationError):
        Address.model_validate({"line_id": value})


def test_ids_as_the_keys_of_a_json_object_are_read_from_their_digits():
    class Points(Schema):
        points: dict[types.Id, int]

    assert Points.model_validate({"points": {"12": 3}}).points == {12: 3}
