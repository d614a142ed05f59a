"""Forms parse and validate input at the edge; the actions enforce the rules again before writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lofin.core.fields import BusinessNumberField, WonField
from lofin.core.models import LocalGovernment, User
from lofin.core.roles import AccountType
from lofin.core.submit import KeyedForm


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OtpForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        )


class GovernmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LocalGovernment) -> str:
        return obj.name


class SignupForm(forms.Form):
    account_type = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (AccountType.RESIDENT, _("a resident")),
            (AccountType.SUPPLIER, _("a supplier to a local government")),
            (AccountType.SUBSIDY_OPERATOR, _("a subsidy operator")),
        ],
        widget=forms.RadioSelect,
        initial=AccountType.RESIDENT,
    )
    government = GovernmentChoiceField(
        label=_("Local government"),
        queryset=LocalGovernment.objects.order_by("code"),
        empty_label=_("Choose one"),
    )
    display_name = forms.CharField(label=_("Name"), max_length=60)
    username = forms.CharField(label=_("User name"), max_length=40, help_text=_("3 to 40 letters, digits, . - _"))
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    organisation = forms.CharField(label=_("Business or organisation"), max_length=100, required=False)
    business_number = BusinessNumberField(label=_("Business registration number"), required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False, min_length=10)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password_again"].widget.attrs["autocomplete"] = "new-password"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["display_name"].widget.attrs["autocomplete"] = "name"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("account_type") == AccountType.RESIDENT:
            # A resident keeps no business number: whatever was typed there is not checked.
            self.errors.pop("business_number", None)
            data["business_number"] = ""
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[("ko", "한국어"), ("en", "English")])
    email = forms.BooleanField(label=_("E-mail"), required=False)
    sms = forms.BooleanField(label=_("SMS"), required=False)
    alimtalk = forms.BooleanField(label=_("KakaoTalk notification (알림톡)"), required=False)


class DraftForm(KeyedForm):
    """A general document (기안문) put on an approval line; its key makes a second submission return the first."""

    title = forms.CharField(label=_("Title"), max_length=200)
    amount = WonField(label=_("Amount (won)"), required=False, min_value=0)
    body = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 2}))


class DelegationForm(KeyedForm):
    substitute = forms.ModelChoiceField(label=_("Acting approver"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Reason for absence"), max_length=200)
