"""Forms of the execution screens. They only parse what people type (amounts with thousands separators, dates,
choices); every rule is checked again by the action, whose refusal the view puts next to the field it concerns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lofin.core import clock
from lofin.core.fields import AccountNumberField, BusinessNumberField, DateField, WonField
from lofin.core.fiscal import CLOSING_EXCEPTION_LABELS, ClosingException
from lofin.core.submit import KeyedForm

from .models import AllocationKind, CarryOverKind, CommitmentKind, OfficeKind, ReceiptChannel, TransferKind
from .rules.imprest import IMPREST_CAPS

WITHHOLDING_ROWS = 3


def choices(form: forms.Form, name: str, options: list[tuple[str, Any]]) -> None:
    """The options of a choice field that depend on the government and year (offices, accounts, people)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = options


# 원천징수 kinds as stored on the payment order (the action keeps the kind as given, at most 20 characters).
WITHHOLDING_KINDS = [
    ("", "—"),
    ("income_tax", _("income tax (소득세)")),
    ("local_income_tax", _("local income tax (지방소득세)")),
    ("national_pension", _("national pension (국민연금)")),
    ("health_insurance", _("health insurance (건강보험)")),
    ("employment_insurance", _("employment insurance (고용보험)")),
    ("other", _("other deduction")),
]


class AllocateForm(KeyedForm):
    amount = WonField(label=_("Amount to allocate (won)"))
    kind = forms.ChoiceField(
        label=_("Kind of allocation"),
        choices=[(k, label) for k, label in AllocationKind.choices if k != AllocationKind.CARRY_OVER],
        initial=AllocationKind.MONTHLY,
    )
    period = forms.IntegerField(
        label=_("Month (1–12) or quarter (1–4)"), min_value=1, max_value=12, initial=lambda: clock.today().month
    )


class CommitForm(KeyedForm):
    amount = WonField(label=_("Amount (won)"))
    creditor = forms.CharField(label=_("Creditor"), max_length=100)
    creditor_number = forms.CharField(
        label=_("Business registration or other number of the creditor"), max_length=20, required=False
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of commitment"), choices=CommitmentKind.choices, initial="normal")
    office = forms.ChoiceField(label=_("Finance office"), required=False)
    committed_on = DateField(label=_("Date of the commitment"), initial=clock.today)

    def __init__(self, *args: Any, offices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "office", [("", _("the finance officer (재무관) of the government")), *offices])


class PaymentForm(KeyedForm):
    office = forms.ChoiceField(label=_("Disbursing office"))
    amount = WonField(label=_("Gross amount charged to the line (won)"))
    payee_name = forms.CharField(
        label=_("Payee"), max_length=100, help_text=_("The creditor of the commitment (지방회계법 §33).")
    )
    payee_number = BusinessNumberField(
        label=_("Payee's business registration number"),
        required=False,
        help_text=_("When given, it must be the creditor's or a registered assignee's (지방회계법 §33)."),
    )
    payee_bank = forms.CharField(label=_("Payee's bank"), max_length=20)
    payee_account = AccountNumberField(label=_("Payee's account number"))
    issued_on = DateField(label=_("Date of the payment order"), initial=clock.today)
    drop_odd_won = forms.BooleanField(
        label=_("Drop the odd won (끝수 처리, 지방회계법 §55)"),
        required=False,
        help_text=_("The won under 10 are not paid: 12,345,678 won become 12,345,670 won."),
    )

    def __init__(
        self,
        *args: Any,
        offices: list[tuple[str, str]],
        advance: bool,
        resolutions: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "office", offices)
        if resolutions:
            # The 지출결의 the order follows (시행령 §33); without one the order stands on the commitment alone.
            self.fields["resolution"] = forms.ChoiceField(
                label=_("Expenditure resolution (지출결의)"),
                choices=[("", _("none")), *resolutions],
                required=False,
            )
            self.order_fields(["resolution"])
        for i in range(WITHHOLDING_ROWS):
            self.fields[f"wh_{i}_kind"] = forms.ChoiceField(
                label=_("Withholding %(n)s: kind") % {"n": i + 1}, choices=WITHHOLDING_KINDS, required=False
            )
            self.fields[f"wh_{i}_amount"] = WonField(
                label=_("Withholding %(n)s: amount (won)") % {"n": i + 1}, required=False
            )
            # The grid's column headers say what each cell is; screen readers still need each cell's own name.
            for name in (f"wh_{i}_kind", f"wh_{i}_amount"):
                self.fields[name].widget.attrs["aria-label"] = str(self.fields[name].label)
        if advance:
            self.fields["is_advance"] = forms.BooleanField(label=_("Advance payment (선금급)"), required=False)
            self.fields["claimed_on"] = DateField(label=_("Date of the contractor's claim"), required=False)
            self.fields["head_approval"] = forms.BooleanField(
                label=_("The head approved an advance above 70 %"), required=False
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("wh_")]

    def withholding_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(i + 1, self[f"wh_{i}_kind"], self[f"wh_{i}_amount"]) for i in range(WITHHOLDING_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(WITHHOLDING_ROWS):
            kind, amount = data.get(f"wh_{i}_kind"), data.get(f"wh_{i}_amount")
            if kind and not amount:
                self.add_error(f"wh_{i}_amount", _("Enter the amount withheld."))
            elif amount and not kind:
                self.add_error(f"wh_{i}_kind", _("Choose what is withheld."))
        return data

    def withholdings(self) -> list[tuple[str, int]]:
        data = self.cleaned_data
        return [
            (data[f"wh_{i}_kind"], data[f"wh_{i}_amount"])
            for i in range(WITHHOLDING_ROWS)
            if data.get(f"wh_{i}_kind") and data.get(f"wh_{i}_amount")
        ]


class CancelForm(KeyedForm):
    reason = forms.CharField(label=_("Reason for the cancellation"), max_length=200)


class AssignmentForm(KeyedForm):
    """채권양도 (민법 §450): the assignee named in the notice of assignment the government received (R-EX-4)."""

    assignee = forms.CharField(label=_("Assignee"), max_length=100)
    assignee_number = BusinessNumberField(label=_("Assignee's business registration number"), required=False)
    notified_on = DateField(label=_("Date the notice of assignment arrived"), initial=clock.today)


class CashForm(KeyedForm):
    amount = WonField(label=_("Cash to allocate (won)"))


class AssessForm(KeyedForm):
    account = forms.ChoiceField(label=_("Account"))
    revenue_code = forms.ChoiceField(label=_("Revenue item"))
    kind = forms.ChoiceField(
        label=_("Kind of revenue"),
        choices=[
            ("notice", _("ad hoc, with a payment notice")),
            ("fixed_due", _("with a due date fixed by law or contract")),
            ("receipt", _("ad hoc, received without a notice")),
        ],
        initial="notice",
    )
    payer_name = forms.CharField(label=_("Payer"), max_length=100)
    payer_number = forms.CharField(label=_("Payer's registration number"), max_length=20, required=False)
    amount = WonField(label=_("Amount (won)"))
    assessed_on = DateField(label=_("Date of the decision"), initial=clock.today)
    due_on = DateField(label=_("Fixed due date"), required=False, help_text=_("Only for a fixed due date."))
    received_on = DateField(
        label=_("Date received"), required=False, help_text=_("Only for money received without a notice.")
    )

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], codes: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices(self, "account", accounts)
        choices(self, "revenue_code", codes)


class ReceiptForm(KeyedForm):
    amount = WonField(label=_("Amount received (won)"))
    received_on = DateField(label=_("Date received"), initial=clock.today)
    channel = forms.ChoiceField(label=_("Received by"), choices=ReceiptChannel.choices, initial="treasury")
    deposited_on = DateField(
        label=_("Date deposited in the treasury bank"),
        required=False,
        help_text=_("For cash taken by a cashier (출납원)."),
    )


class TransferForm(KeyedForm):
    kind = forms.ChoiceField(label=_("Kind of transfer"), choices=TransferKind.choices, initial="virement")
    to_line = forms.CharField(
        label=_("Target line"),
        max_length=60,
        help_text=_("Its code: account-project-item, for example 100-D111-301-01."),
    )
    amount = WonField(label=_("Amount (won)"))
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    urgent_disaster = forms.BooleanField(label=_("For an urgent disaster"), required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis (이체 only)"),
        max_length=300,
        required=False,
        help_text=_(
            "The law or ordinance that moved the duties between organisations, for example the amendment of the "
            "organisation ordinance (지방재정법 §47의2②)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_line"].widget.attrs["list"] = "line-codes"


# --- 관서, 재배정, 반납 ---------------------------------------------------------------------------------------------


class OfficeForm(KeyedForm):
    code = forms.CharField(label=_("Code of the office"), max_length=20)
    name = forms.CharField(label=_("Name of the office"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind of office"), choices=OfficeKind.choices)
    staff_count = forms.IntegerField(
        label=_("Authorised staff of the office (정원)"),
        required=False,
        min_value=1,
        max_value=32767,
        help_text=_(
            "In an office of three or fewer staff one person may be both the sub-delegated finance officer and "
            "the imprest cashier (지방회계법 시행령 §46); no other duties may be combined."
        ),
    )


class SubAllocateForm(KeyedForm):
    office = forms.ChoiceField(label=_("Sub-delegated finance office (분임재무관)"))
    amount = WonField(label=_("Amount to hand on (won)"))

    def __init__(self, *args: Any, offices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "office", offices)


class PaymentRefundForm(KeyedForm):
    amount = WonField(label=_("Amount that came back (won)"))
    received_on = DateField(label=_("Date the money came back"), initial=clock.today)
    # R-FY-4: after 31 December only these settlements (and 선금급·개산급, 일상경비, known from the payment) restore the
    # line until 20 January.
    exception = forms.ChoiceField(
        label=_("Settlement refund (지방회계법 시행령 §3)"),
        required=False,
        choices=[
            ("", _("none")),
            *(
                (kind.value, CLOSING_EXCEPTION_LABELS[kind])
                for kind in (
                    ClosingException.SUBSIDY_SETTLEMENT_REFUND,
                    ClosingException.OPERATOR_SETTLEMENT_REFUND,
                    ClosingException.ENTRUSTMENT_SETTLEMENT_REFUND,
                )
            ),
        ],
        help_text=_("After 31 December only these refunds restore the line, until 20 January."),
    )


# --- 세입: 납입고지, 입금, 과오납 환급 -----------------------------------------------------------------------------------


class NoticeForm(KeyedForm):
    notice_on = DateField(label=_("Date of the notice"), initial=clock.today)
    fixed_due_on = DateField(
        label=_("Due date fixed by law or contract"),
        required=False,
        help_text=_("Leave empty for the usual 15 days."),
    )


class CancelAssessmentForm(KeyedForm):
    reason = forms.CharField(label=_("Reason for the cancellation"), max_length=200)
    cancelled_on = DateField(label=_("Date of the cancellation"), initial=clock.today)


class CorrectAssessmentForm(KeyedForm):
    """The decision as it should have been: the fields start with its present values; what is not changed stays."""

    amount = WonField(label=_("Corrected amount (won)"))
    payer_name = forms.CharField(label=_("Payer"), max_length=100)
    payer_number = forms.CharField(label=_("Payer's registration number"), max_length=20, required=False)
    due_on = DateField(label=_("Due date"), required=False)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=200)
    corrected_on = DateField(label=_("Date of the correction"), initial=clock.today)


class DepositForm(KeyedForm):
    deposited_on = DateField(label=_("Date deposited in the treasury bank"), initial=clock.today)
    same_locality = forms.BooleanField(
        label=_("The treasury bank is in the same locality"),
        required=False,
        initial=True,
        help_text=_("Then the deadline is the next day; otherwise the fifth day (지방회계법 시행령 §21)."),
    )
    office_code = forms.CharField(
        label=_("Your office, if its 정원 is five or fewer (지방회계법 시행령 §25)"),
        max_length=20,
        required=False,
        help_text=_("Code of the office: there the collector may also carry the cash."),
    )


class OverpaymentRefundForm(KeyedForm):
    amount = WonField(label=_("Amount to refund (won)"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    refunded_on = DateField(label=_("Date of the refund"), initial=clock.today)
    interest_from = DateField(
        label=_("Interest runs from"),
        required=False,
        help_text=_(
            "Leave empty to count from the payment; give a later day when a change of law, a reduction or a "
            "decision made the amount refundable (지방회계법 시행령 §31)."
        ),
    )


# --- 이월, 불용 ----------------------------------------------------------------------------------------------------


class CarryOverForm(KeyedForm):
    kind = forms.ChoiceField(label=_("Kind of carry-over"), choices=CarryOverKind.choices, widget=forms.RadioSelect)
    commitment = forms.ChoiceField(label=_("Commitment whose unpaid part is carried"), required=False)
    amount = WonField(label=_("Amount to carry (won)"))
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, commitments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "commitment", [("", _("none: carry uncommitted appropriation")), *commitments])


class CloseYearForm(KeyedForm):
    """Nothing to type: the key is what the form carries."""


class WithdrawForm(KeyedForm):
    """Nothing to type: the key is what the form carries."""


# --- 일상경비 ------------------------------------------------------------------------------------------------------

IMPREST_LABELS = {
    "travel": _("travel (여비)"),
    "remote_office": _("offices far away or without a fixed place"),
    "small_payments": _("many small payments"),
    "ships": _("ships"),
    "outside_jurisdiction": _("expenses outside the jurisdiction"),
    "materials": _("materials"),
    "works": _("works (공사)"),
    "manufacturing": _("manufacturing"),
    "afforestation": _("afforestation"),
    "other": _("other listed expenses"),
}


def imprest_kind_choices() -> list[tuple[str, str]]:
    return [
        (
            kind,
            _("%(kind)s — at most %(cap)s won") % {"kind": IMPREST_LABELS[kind], "cap": f"{cap:,}"}
            if cap
            else _("%(kind)s — as needed") % {"kind": IMPREST_LABELS[kind]},
        )
        for kind, cap in IMPREST_CAPS.items()
    ]


class ImprestForm(KeyedForm):
    cashier = forms.ChoiceField(label=_("Cashier (일상경비 출납원)"))
    kind = forms.ChoiceField(label=_("Kind of expense"))
    amount = WonField(label=_("Amount advanced (won)"))
    office = forms.ChoiceField(label=_("Disbursing office"))
    payee_bank = forms.CharField(label=_("Bank of the cashier's account"), max_length=20, initial="금고")
    payee_account = AccountNumberField(label=_("Cashier's account number"))
    advanced_on = DateField(label=_("Date of the advance"), initial=clock.today)

    def __init__(
        self, *args: Any, cashiers: list[tuple[str, str]], offices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "cashier", cashiers)
        choices(self, "kind", imprest_kind_choices())
        choices(self, "office", offices)


class SettleForm(KeyedForm):
    spent = WonField(label=_("Spent (won)"), min_value=0)
    returned = WonField(label=_("Returned unused (won)"), min_value=0)
    returned_on = DateField(
        label=_("Date the unused money came back"), required=False, help_text=_("Only when money comes back.")
    )


# --- 지출결의 ------------------------------------------------------------------------------------------------------


class ResolutionForm(KeyedForm):
    amount = WonField(label=_("Amount resolved for payment (won)"))
    claim_number = forms.CharField(label=_("Number of the creditor's claim"), max_length=40)
    claimed_on = DateField(label=_("Date of the claim"))
    claim_amount = WonField(label=_("Amount claimed (won)"))
    resolved_on = DateField(label=_("Date of the resolution"), initial=clock.today)
    inspected_on = DateField(label=_("Date of the inspection (검수·검사)"), required=False)
    inspector = forms.ChoiceField(label=_("Inspector"), required=False)
    inspection_result = forms.ChoiceField(
        label=_("Result of the inspection"),
        choices=[("", "—"), ("passed", _("passed")), ("failed", _("failed"))],
        required=False,
    )
    inspection_note = forms.CharField(label=_("Note on the inspection"), max_length=200, required=False)

    def __init__(self, *args: Any, inspectors: list[tuple[str, str]], advance: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "inspector", [("", "—"), *inspectors])
        if advance:
            self.fields["for_advance"] = forms.BooleanField(
                label=_("A claim for an advance payment (선금), before performance"), required=False
            )
