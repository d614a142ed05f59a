"""Form fields for the values of `core.types`: a screen parses what people type with the same bounds as the API.
They only parse; the actions check the rules again and their refusals are put next to the field (`core.submit`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lofin.core import types


class WonField(forms.CharField):
    """Whole won as officials type them: "1,000,000", "1000000원". Never a float."""

    def __init__(self, *, min_value: int = 1, **kwargs: Any) -> None:
        self.min_value = min_value
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "won"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value) or ""
        if not text.replace(",", "").replace("원", "").strip():
            return None
        try:
            return types.parse_won(text, min_value=self.min_value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        # CharField's length validators expect text; the amount is already an int here.
        return None


class DateField(forms.DateField):
    """A day within the years the calendar rules are defined for (core.types.MIN_DAY … MAX_DAY)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            try:
                types.check_day(value)
            except ValueError as error:
                raise ValidationError(str(error), code="out_of_range") from None


class AccountNumberField(forms.CharField):
    """A bank account number: ASCII digits with optional hyphens, kept as its digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            return types.parse_account_number(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class BusinessNumberField(forms.CharField):
    """사업자등록번호 as 10 digits (hyphens allowed when typed), with its check digit."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("10 digits"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            return types.parse_business_number(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
