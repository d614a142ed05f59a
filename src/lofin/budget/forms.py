"""Forms of the budget screens; the actions check everything again before writing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lofin.core.fields import DateField
from lofin.core.types import MAX_WON, MAX_YEAR, MIN_YEAR, is_ascii_digits

from .actions.requests import BasisIn
from .models import AccountKind, AttachmentKind, IndicatorDirection, ProjectLevel, ProvisionalBasis

BASIS_ROWS = 8


def choices(form: forms.Form, name: str, options: Sequence[tuple[str, Any]]) -> None:
    """Set the options of one of the form's choice fields."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = options


class LineForm(forms.Form):
    """One 세부사업 × 통계목 request with up to eight 산출근거 rows, or rows pasted from a spreadsheet."""

    project = forms.ChoiceField(label=_("Detail project (세부사업)"))
    object_code = forms.ChoiceField(label=_("Statistical item (통계목)"))
    state_amount = forms.IntegerField(
        label=_("of which State subsidy (won)"), min_value=0, max_value=MAX_WON, initial=0
    )
    province_amount = forms.IntegerField(
        label=_("of which province subsidy (won)"), min_value=0, max_value=MAX_WON, initial=0
    )
    pasted = forms.CharField(
        label=_("Or paste rows from a spreadsheet"),
        help_text=_("One row per line: description, unit price, quantity, times — separated by tabs."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )

    def __init__(self, *args: Any, projects: list[tuple[str, str]], objects: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices(self, "project", projects)
        choices(self, "object_code", objects)
        for i in range(BASIS_ROWS):
            self.fields[f"basis-{i}-description"] = forms.CharField(
                label=_("Basis %(n)s: description") % {"n": i + 1}, max_length=200, required=False
            )
            self.fields[f"basis-{i}-unit_price"] = forms.IntegerField(
                label=_("Basis %(n)s: unit price") % {"n": i + 1}, min_value=0, max_value=MAX_WON, required=False
            )
            self.fields[f"basis-{i}-quantity"] = forms.IntegerField(
                label=_("Basis %(n)s: quantity") % {"n": i + 1}, min_value=0, max_value=10**9, required=False
            )
            self.fields[f"basis-{i}-times"] = forms.IntegerField(
                label=_("Basis %(n)s: times") % {"n": i + 1}, min_value=0, max_value=10**9, required=False
            )

        # The grid shows these without visible labels (the column headers say what they are); screen readers
        # still need each cell's own name.
        for name, field in self.fields.items():
            if name.startswith("basis-"):
                field.widget.attrs["aria-label"] = str(field.label)

    def basis_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "n": i,
                "description": self[f"basis-{i}-description"],
                "unit_price": self[f"basis-{i}-unit_price"],
                "quantity": self[f"basis-{i}-quantity"],
                "times": self[f"basis-{i}-times"],
            }
            for i in range(BASIS_ROWS)
        ]

    def basis(self) -> list[BasisIn]:
        data = self.cleaned_data
        rows = parse_pasted(data.get("pasted") or "")
        for i in range(BASIS_ROWS):
            description = (data.get(f"basis-{i}-description") or "").strip()
            if not description:
                continue
            quantity: int | None = data.get(f"basis-{i}-quantity")
            times: int | None = data.get(f"basis-{i}-times")
            rows.append(
                BasisIn(
                    description,
                    data.get(f"basis-{i}-unit_price") or 0,
                    1 if quantity is None else quantity,
                    1 if times is None else times,
                )
            )
        return rows

    def clean_pasted(self) -> str:
        text = self.cleaned_data.get("pasted") or ""
        parse_pasted(text)
        return text


def parse_pasted(text: str) -> list[BasisIn]:
    """Rows copied from Excel arrive tab-separated; amounts may carry thousands separators or 원."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        cells = [c.strip() for c in raw.split("\t")]
        description = cells[0]
        texts = [c.replace(",", "").replace("원", "").strip() or "0" for c in cells[1:4]]
        if not all(is_ascii_digits(t) for t in texts):
            raise forms.ValidationError(
                _("Pasted row %(n)s: unit price, quantity and times must be whole numbers.") % {"n": number}
            )
        numbers = [int(t) for t in texts]
        if any(n > MAX_WON for n in numbers):
            raise forms.ValidationError(_("Pasted row %(n)s: a number is out of range.") % {"n": number})
        while len(numbers) < 3:
            numbers.append(1)
        if not description:
            raise forms.ValidationError(_("Pasted row %(n)s has no description.") % {"n": number})
        rows.append(BasisIn(description[:200], numbers[0], numbers[1], numbers[2]))
    return rows


class RevenueForm(forms.Form):
    account = forms.ChoiceField(label=_("Account"))
    revenue_code = forms.ChoiceField(label=_("Revenue item"))
    amount = forms.IntegerField(label=_("Amount (won)"), min_value=0, max_value=MAX_WON)
    basis_text = forms.CharField(label=_("Basis"), max_length=300, required=False)

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], codes: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices(self, "account", accounts)
        choices(self, "revenue_code", codes)


class AmountForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (won)"), min_value=0, max_value=MAX_WON)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    head_consent = forms.BooleanField(label=_("The head consents"), required=False)


class VoteForm(forms.Form):
    voted_on = DateField(label=_("Date of the council vote"))


class MidTermPlanForm(forms.Form):
    """The 중기지방재정계획 the bill refers to (R-BS-5)."""

    title = forms.CharField(label=_("Title of the medium-term fiscal plan"), max_length=200)
    first_year = forms.IntegerField(label=_("First year covered"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    last_year = forms.IntegerField(label=_("Last year covered"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class AccountForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10)
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "kind", AccountKind.choices)


class ProjectForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"))
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.CharField(label=_("Parent project code"), max_length=20, required=False)
    account = forms.ChoiceField(label=_("Account"))
    department = forms.ChoiceField(label=_("Department"), required=False)
    function_code = forms.ChoiceField(label=_("Sector (부문), for a 정책사업"), required=False)
    gender_sensitive = forms.BooleanField(label=_("Gender budget item (성인지)"), required=False)
    # The 성인지 예산서 shows it for every flagged project; the bill needs it (R-BS-5).
    gender_goal = forms.CharField(label=_("Expected gender-equality effect"), max_length=200, required=False)
    # 준예산 (R-BP-11): why the project runs at last year's level while no budget is confirmed.
    provisional_basis = forms.ChoiceField(
        label=_("Ground for the provisional budget (준예산)"), choices=ProvisionalBasis.choices, required=False
    )
    state_share = forms.IntegerField(
        label=_("State subsidy share (%), for a 국고보조 project"), min_value=1, max_value=100, required=False
    )

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[str, str]],
        departments: list[tuple[str, str]],
        sectors: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "level", ProjectLevel.choices)
        choices(self, "account", accounts)
        choices(self, "department", [("", "—"), *departments])
        choices(self, "function_code", [("", "—"), *sectors])


class AttachmentForm(forms.Form):
    name = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF, HWP, Office, image; at most 10 MB)"))
    line = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # 주민의견서 (R-BS-5) is attached from the version page with kind=resident_opinion.
    kind = forms.ChoiceField(
        choices=AttachmentKind.choices, required=False, initial=AttachmentKind.SUPPORTING, widget=forms.HiddenInput
    )


class TargetForm(forms.Form):
    """A performance target of the 성과계획서 (the action checks the values: decimals of ASCII digits)."""

    indicator = forms.CharField(label=_("Indicator (성과지표)"), max_length=120)
    unit = forms.CharField(label=_("Unit (e.g. 명, 건, 점, %)"), max_length=20)
    target_value = forms.CharField(label=_("Target value (목표치)"), max_length=24)
    baseline_value = forms.CharField(label=_("Baseline (기준치), optional"), max_length=24, required=False)
    method = forms.CharField(label=_("Measurement method (측정방법)"), max_length=300)
    direction = forms.ChoiceField(label=_("Direction"), choices=IndicatorDirection.choices)


class ResultForm(forms.Form):
    """The achieved value of a target after the year, with the reason when it falls short."""

    target = forms.IntegerField(widget=forms.HiddenInput)
    achieved_value = forms.CharField(label=_("Achieved value (실적치)"), max_length=24)
    reason = forms.CharField(label=_("Reason when not achieved (미달성 사유)"), max_length=500, required=False)
