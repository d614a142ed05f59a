"""Forms of the 주민e참여 screens. They only parse what people type; every rule is checked again by the action,
whose refusal the view puts next to the field it concerns."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lofin.core import clock, types
from lofin.core.fields import DateField, WonField
from lofin.core.submit import KeyedForm

from .models import BallotChannel, BallotKind, OverrideAction, PhaseKind, Rule, Satisfaction
from .rules.residents import ascii_digits
from .rules.review import COMMITTEE_CRITERIA

SEX_DIGITS = [(str(d), str(d)) for d in range(1, 9)]
CARRIERS = [
    ("SKT", "SKT"),
    ("KT", "KT"),
    ("LGU", "LG U+"),
    ("SKM", _("SKT budget phone (알뜰폰)")),
    ("KTM", _("KT budget phone (알뜰폰)")),
    ("LGM", _("LG U+ budget phone (알뜰폰)")),
]
CRITERIA_LABELS = {
    "necessity": _("Necessity"),
    "feasibility": _("Feasibility"),
    "benefit": _("Benefit to residents"),
    "cost": _("Cost appropriateness"),
}


class ChoiceForm(KeyedForm):
    """A form whose choices are the government's own objects, set when it is made."""

    def choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices


class BirthDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not dt.date(1900, 1, 1) <= value <= clock.today():
            raise ValidationError(_("Enter a birth date between 1900 and today."), code="out_of_range")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): each is checked by the action."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VerifyStartForm(KeyedForm):
    name = forms.CharField(label=_("Name"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    birth_date = BirthDateField(label=_("Date of birth"))
    sex_digit = forms.ChoiceField(
        label=_("First digit of the back of the resident number"),
        choices=[("", "—"), *SEX_DIGITS],
        help_text=_("Only this one digit is sent; the resident number itself is never asked for or kept."),
    )
    carrier = forms.ChoiceField(label=_("Mobile carrier"), choices=[("", "—"), *CARRIERS])
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "010-0000-0000"}),
    )


class VerifyConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Six-digit code sent to your phone"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ProposalForm(ChoiceForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("What should be done, and why"), widget=forms.Textarea(attrs={"rows": 6}))
    cost = WonField(label=_("Estimated cost (won)"))
    district = forms.ChoiceField(label=_("District or theme"), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)
    photos = MultipleFileField(label=_("Photos (JPEG, PNG or WebP, up to 5 files of 5 MB)"), required=False)

    def __init__(self, *args: Any, districts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose("district", [("", _("the whole area")), *districts])


class CommentForm(KeyedForm):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class QuestionForm(KeyedForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(KeyedForm):
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))


class CycleForm(KeyedForm):
    year = forms.IntegerField(label=_("Budget year"), min_value=types.MIN_YEAR, max_value=types.MAX_YEAR)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    total_amount = WonField(label=_("Total amount (won)"))
    ballot_kind = forms.ChoiceField(label=_("Ballot"), choices=BallotKind.choices)
    max_choices = forms.IntegerField(label=_("Most projects per ballot (k)"), min_value=1, required=False)
    min_choices = forms.IntegerField(label=_("Fewest projects per ballot"), min_value=1, initial=1)
    max_points = forms.IntegerField(label=_("Points per voter (cumulative ballots)"), min_value=1, required=False)
    rule = forms.ChoiceField(label=_("Counting rule"), choices=Rule.choices)
    satisfaction = forms.ChoiceField(label=_("Satisfaction measure"), choices=Satisfaction.choices, required=False)
    allow_residents = forms.BooleanField(label=_("Residents may vote"), required=False, initial=True)
    allow_workers = forms.BooleanField(label=_("Workers in the area may vote"), required=False, initial=True)
    allow_students = forms.BooleanField(label=_("Students in the area may vote"), required=False, initial=True)
    min_age = forms.IntegerField(label=_("Minimum age on the voting day"), min_value=0, max_value=120, initial=14)
    districts = forms.CharField(
        label=_("Districts and themes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: code, name, kind (district or theme), amount in won (empty: they share the total). "
            "For example: D1, 역삼1동, district, 100000000"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in PhaseKind:
            self.fields[f"{kind.value}_start"] = DateField(label=_("%(phase)s: starts") % {"phase": kind.label})
            self.fields[f"{kind.value}_end"] = DateField(label=_("%(phase)s: ends") % {"phase": kind.label})

    def phase_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"{k.value}_start"], self[f"{k.value}_end"]) for k in PhaseKind]

    def phases(self) -> dict[str, tuple[dt.date, dt.date]]:
        d = self.cleaned_data
        return {k.value: (d[f"{k.value}_start"], d[f"{k.value}_end"]) for k in PhaseKind}

    def clean_districts(self) -> list[dict[str, Any]]:
        out = []
        for number, line in enumerate((self.cleaned_data.get("districts") or "").splitlines(), start=1):
            if not line.strip():
                continue
            cells = [c.strip() for c in line.split(",")]
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise ValidationError(_("Line %(n)d: give at least a code and a name.") % {"n": number})
            kind = (cells[2] if len(cells) > 2 else "") or "district"
            if kind not in ("district", "theme"):
                raise ValidationError(_("Line %(n)d: the kind is district or theme.") % {"n": number})
            amount_text = cells[3] if len(cells) > 3 else ""
            amount = None
            if amount_text.replace("원", "").strip():
                try:
                    amount = types.parse_won(amount_text)
                except ValueError:
                    raise ValidationError(
                        _("Line %(n)d: the amount is a whole number of won.") % {"n": number}
                    ) from None
            out.append({"code": cells[0], "name": cells[1], "kind": kind, "amount": amount})
        return out


class CensusForm(KeyedForm):
    name = forms.CharField(label=_("Name of the list"), max_length=120)
    file = forms.FileField(
        label=_("Resident list (CSV or XLSX)"),
        help_text=_("Columns: 성명, 생년월일, 성별번호, and optionally 구분 (주민/직장인/학생) and 지역."),
    )


class ReviewForm(KeyedForm):
    feasible = forms.TypedChoiceField(
        label=_("Finding"),
        choices=[("1", _("feasible")), ("0", _("not feasible"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reviewed_cost = WonField(label=_("Reviewed cost (won)"), required=False)
    reason = forms.CharField(
        label=_("Reason (shown to the proposer)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScoreForm(KeyedForm):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, top in COMMITTEE_CRITERIA.items():
            self.fields[f"score_{name}"] = forms.IntegerField(
                label=_("%(criterion)s (0–%(top)d)") % {"criterion": CRITERIA_LABELS[name], "top": top},
                min_value=0,
                max_value=top,
            )
        self.order_fields([f"score_{n}" for n in COMMITTEE_CRITERIA] + ["comment"])

    def scores(self) -> dict[str, int]:
        return {n: self.cleaned_data[f"score_{n}"] for n in COMMITTEE_CRITERIA}


class ShortlistForm(KeyedForm):
    shortlisted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("shortlist for the vote")), ("0", _("do not shortlist"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (shown to the proposer)"), max_length=500, required=False)


class PaperVoterForm(KeyedForm):
    """Who the paper ballot is from, typed from the ID card as fast as it is read: the birth date as the front of
    the resident number (YYMMDD, the century follows from the sex digit as on the card) or in full. The choices
    are read from the same form."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (BallotChannel.PAPER, BallotChannel.PAPER.label),
            (BallotChannel.IN_PERSON, BallotChannel.IN_PERSON.label),
        ],
    )
    name = forms.CharField(label=_("Voter's name"), max_length=60, widget=forms.TextInput(attrs={"autofocus": True}))
    birth_date = forms.CharField(
        label=_("Date of birth (YYMMDD as on the ID card, or YYYY-MM-DD)"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex_digit = forms.ChoiceField(
        label=_("First digit of the back of the resident number"), choices=[("", "—"), *SEX_DIGITS]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = ascii_digits(str(data.get("birth_date") or ""))
        sex = data.get("sex_digit") or ""
        if len(text) == 6 and sex:
            # 1, 2, 5, 6: born in the 1900s; 3, 4, 7, 8: in the 2000s (the resident number's rule).
            text = ("19" if sex in "1256" else "20") + text
        try:
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
        except ValueError:
            day = None
        if day is None or not dt.date(1900, 1, 1) <= day <= clock.today():
            if "birth_date" not in self.errors:
                self.add_error("birth_date", _("Enter the birth date as YYMMDD or YYYY-MM-DD."))
        else:
            data["birth_date"] = day
        return data


class OverrideForm(ChoiceForm):
    proposal = forms.ChoiceField(label=_("Project"))
    action = forms.ChoiceField(
        label=pgettext_lazy("override", "Change"), choices=OverrideAction.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (published with the result)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, proposals: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choose("proposal", [("", "—"), *proposals])


class SimpleForm(KeyedForm):
    """Nothing to type: the key is what the form carries."""


def parse_ballot(kind: str, data: Any, proposal_ids: list[int]) -> tuple[dict[str, Any], str | None]:
    """The choices of a ballot as posted: `approve` checkboxes, `points_<id>` numbers, `rank` checkboxes in the
    order the voter arranged them. Returns the action's keyword arguments, or an error about what was typed."""
    known = set(proposal_ids)

    def ids(name: str) -> list[int] | None:
        out = []
        for value in data.getlist(name):
            if not types.is_ascii_digits(str(value)) or int(value) not in known:
                return None
            out.append(int(value))
        return out

    if kind == BallotKind.CUMULATIVE:
        points: dict[int, int] = {}
        for pid in proposal_ids:
            text = str(data.get(f"points_{pid}", "") or "").strip()
            if not text:
                continue
            if not types.is_ascii_digits(text):
                return {}, str(_("Give points as whole numbers."))
            if int(text):
                points[pid] = int(text)
        return {"points": points}, None
    if kind == BallotKind.RANKED:
        ranking = ids("rank")
        if ranking is None:
            return {}, str(_("The ballot names a project that is not on it."))
        return {"ranking": ranking}, None
    approvals = ids("approve")
    if approvals is None:
        return {}, str(_("The ballot names a project that is not on it."))
    return {"approvals": approvals}, None


class AdoptForm(ChoiceForm):
    version = forms.ChoiceField(label=_("Budget (version at the request stage)"))
    parent = forms.ChoiceField(label=_("Unit project (단위사업) the new detail projects go under"))
    object_code = forms.CharField(label=_("Object code (통계목) of the request lines"), max_length=10, initial="401-01")

    def __init__(self, *args: Any, versions: list[tuple[str, str]], parents: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.choose("version", [("", "—"), *versions])
        self.choose("parent", [("", "—"), *parents])


class PhaseDatesForm(KeyedForm):
    """The dates of every phase of a cycle (the same fields as the cycle's setup)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in PhaseKind:
            self.fields[f"{kind.value}_start"] = DateField(label=_("%(phase)s: starts") % {"phase": kind.label})
            self.fields[f"{kind.value}_end"] = DateField(label=_("%(phase)s: ends") % {"phase": kind.label})

    def phase_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"{k.value}_start"], self[f"{k.value}_end"]) for k in PhaseKind]

    def phases(self) -> dict[str, tuple[dt.date, dt.date]]:
        d = self.cleaned_data
        return {k.value: (d[f"{k.value}_start"], d[f"{k.value}_end"]) for k in PhaseKind}
