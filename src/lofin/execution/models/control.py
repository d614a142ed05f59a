"""e호조+ execution: the appropriation of each budget line, allocation, commitments, payment orders, revenue.

The invariants of budget control are also database constraints, so that even a faulty code path cannot
overdraw a line: committed ≤ allocated ≤ appropriation, paid ≤ committed, and Σ paid of a 지출원 office ≤
its 지출한도.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    FINANCE = "finance", _("finance office (재무관)")
    SUB_FINANCE = "sub_finance", _("sub-delegated finance office (분임재무관)")
    DISBURSING = "disbursing", _("disbursing office (지출원)")


class Office(models.Model):
    """A 관서 of a government: where commitments are made (재무관) or payments ordered (지출원)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=OfficeKind.choices)
    # 지출한도 of a 지출원 office, raised by 자금배정; Σ payments may not exceed it.
    limit_amount = models.BigIntegerField(default=0)
    paid_amount = models.BigIntegerField(default=0)
    # 정원 (authorised staff) of the office: 지방회계법 시행령 §46 lets one person be both 분임재무관 and 일상경비 출납원
    # in an office of three or fewer (R-EX-3). Unknown (null): no exception.
    staff_count = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["government_id", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["government", "year", "code"], name="office_unique_code"),
            models.CheckConstraint(condition=Q(paid_amount__lte=F("limit_amount")), name="office_within_limit"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="office_paid_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """세출 과목 (세부사업 × 통계목) of a fiscal year, as executed. 예산현액 = budget ± transfers ± reserve + carry-in."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    account = models.ForeignKey("budget.Account", on_delete=models.PROTECT, related_name="+", db_index=False)
    project = models.ForeignKey("budget.Project", on_delete=models.PROTECT, related_name="+", db_index=False)
    object_code = models.CharField(max_length=6)
    budget_amount = models.BigIntegerField(default=0)  # the confirmed budget (본예산 or the latest 추경)
    transfer_amount = models.BigIntegerField(default=0)  # 전용·이용·이체, in (+) or out (−)
    reserve_amount = models.BigIntegerField(default=0)  # 예비비 사용 added to this line
    carried_in = models.BigIntegerField(default=0)  # 이월 from last year (deemed allocated)
    appropriation = models.BigIntegerField(default=0)  # 예산현액: the sum of the four above
    allocated = models.BigIntegerField(default=0)  # 예산배정 (includes the carried-in amount)
    sub_allocated = models.BigIntegerField(default=0)  # of which 재배정 to 분임재무관
    committed = models.BigIntegerField(default=0)  # 지출원인행위, all offices
    sub_committed = models.BigIntegerField(default=0)  # of which by 분임재무관 within their 재배정
    paid = models.BigIntegerField(default=0)  # 지출 (payment orders), net of refunds
    budget_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # By the id column, not the relation: ordering by "government" joins the government table, and every
        # select_for_update of a line then locked the government's row too, serialising its money paths.
        ordering = ["government_id", "year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["government", "year", "project", "object_code"], name="budget_line_unique"),
            models.CheckConstraint(
                condition=Q(
                    appropriation=F("budget_amount") + F("transfer_amount") + F("reserve_amount") + F("carried_in")
                ),
                name="budget_line_appropriation_is_sum",
            ),
            models.CheckConstraint(condition=Q(allocated__lte=F("appropriation")), name="budget_line_allocated_within"),
            models.CheckConstraint(condition=Q(committed__lte=F("allocated")), name="budget_line_committed_within"),
            models.CheckConstraint(condition=Q(sub_allocated__lte=F("allocated")), name="budget_line_sub_within"),
            models.CheckConstraint(
                condition=Q(sub_committed__lte=F("sub_allocated")), name="budget_line_sub_committed"
            ),
            models.CheckConstraint(condition=Q(paid__lte=F("committed")), name="budget_line_paid_within"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(committed__gte=0) & Q(allocated__gte=0) & Q(appropriation__gte=0),
                name="budget_line_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["government", "year", "account"])]

    def __str__(self) -> str:
        return f"{self.year} {self.project_id}/{self.object_code}"

    @property
    def available(self) -> int:
        """배정잔액: what may still be committed."""
        return self.allocated - self.committed


class AllocationKind(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    AD_HOC = "ad_hoc", _("ad hoc")
    CARRY_OVER = "carry_over", _("carried over (deemed allocated)")


class Allocation(models.Model):
    """예산배정: an amount of a line released for commitment in a period (month 1–12 or quarter 1–4)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="allocations")
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=10, choices=AllocationKind.choices)
    period = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)

    def __str__(self) -> str:
        return f"{self.line_id} {self.kind}{self.period} {self.amount}"

    @property
    def period_label(self) -> str:
        """The period as people say it: 4분기 for a quarterly allocation, 4월 for the others (months 1–12)."""
        if self.kind == AllocationKind.QUARTERLY:
            return gettext("Q%(quarter)d") % {"quarter": self.period}
        return gettext("month %(month)d") % {"month": self.period}


class SubAllocation(models.Model):
    """재배정: part of a line's allocation handed to a 분임재무관 office; its commitments stay within it."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="sub_allocations")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="sub_allocations")
    amount = models.BigIntegerField(default=0)
    committed = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "office"], name="sub_allocation_unique"),
            models.CheckConstraint(condition=Q(committed__lte=F("amount")), name="sub_allocation_within"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}@{self.office_id}"


class CommitmentKind(models.TextChoices):
    NORMAL = "normal", _("ordinary")
    ADVANCE = "advance", _("advance payment (선금급)")
    ESTIMATED = "estimated", _("estimated payment (개산급)")


class CommitmentStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CANCELLED = "cancelled", _("cancelled")


class Commitment(models.Model):
    """지출원인행위: the 재무관 obligates a line's allocation to a creditor."""

    # Copied from the line in the same statement (the line's own constraint guards it): a second foreign-key check and
    # row lock on the government at every commitment would buy nothing (docs/benchmarks.md).
    government = models.ForeignKey(
        "core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="commitments")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    amount = models.BigIntegerField()
    paid_amount = models.BigIntegerField(default=0)
    creditor = models.CharField(max_length=100)
    creditor_number = models.CharField(max_length=20, blank=True)  # 사업자등록번호 or other identifier
    purpose = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=CommitmentKind.choices, default=CommitmentKind.NORMAL)
    status = models.CharField(max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.ACTIVE)
    # The day the 재무관 cancelled what was unpaid; a partly paid commitment stays active at its paid amount, and a
    # 반납 of it later releases the amount instead of opening it for payment again.
    cancelled_on = models.DateField(null=True, blank=True)
    # 과년도지출 (R-EX-8): the closed year's obligation this commitment of the current year pays.
    past_year_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="past_year_charges", null=True, blank=True
    )
    committed_on = models.DateField()
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=140)

    class Meta:
        constraints = [
            # A constraint, not unique=True: the latter adds a second, pattern-ops index nobody queries.
            models.UniqueConstraint(fields=["idempotency_key"], name="commitment_unique_idempotency_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")), name="commitment_paid_within"
            ),
        ]
        indexes = [models.Index(fields=["government", "committed_on"])]

    def __str__(self) -> str:
        return f"{self.creditor} {self.amount}"


class CreditorAssignment(models.Model):
    """채권양도 (민법 §450): the creditor of a commitment assigned its claim, and the government was notified; the
    지출원 may then pay the assignee (R-EX-4, 지방회계법 §33). Registered by the 재무관, audited, never edited."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="assignments")
    assignee = models.CharField(max_length=100)
    assignee_number = models.CharField(max_length=10, blank=True)  # 사업자등록번호, when the assignee is a business
    notified_on = models.DateField()  # the day the notice of assignment (양도통지) reached the government
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.commitment_id} → {self.assignee}"


class PaymentStatus(models.TextChoices):
    ISSUED = "issued", _("issued to the treasury bank")
    PAID = "paid", _("paid")
    RETURNED = "returned", _("returned")  # 반납 in full


class PaymentOrder(models.Model):
    """지급명령: the 지출원 orders the 금고 to pay a creditor from a commitment."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="payments")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=30)  # 지급명령번호, unique per government and year
    fiscal_year = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField()  # gross, charged to the line
    withholding_amount = models.BigIntegerField(default=0)  # 원천징수 (income tax, local income tax …)
    refunded_amount = models.BigIntegerField(default=0)  # 반납 received back
    payee_name = models.CharField(max_length=100)
    payee_number = models.CharField(max_length=10, blank=True)  # 사업자등록번호 of the payee, when given (R-EX-4)
    payee_bank = models.CharField(max_length=20)
    payee_account = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.ISSUED)
    # 선금급 (advance payment) of a works/goods/services contract: ≤ 70 % (100 % with the head's approval) and
    # paid within 14 days of the claim (지방회계법 시행령 §44).
    is_advance = models.BooleanField(default=False)
    claimed_on = models.DateField(null=True, blank=True)
    head_approval = models.BooleanField(default=False)
    issued_on = models.DateField()
    # 급여·여비·실비보상: the day the fact that makes it due occurred; the payment belongs to its year (R-FY-3).
    incurred_on = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=140, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["government", "fiscal_year", "number"], name="payment_order_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(withholding_amount__gte=0) & Q(withholding_amount__lt=F("amount")),
                name="payment_withholding_within",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")), name="payment_refund_within"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def net_amount(self) -> int:
        return self.amount - self.withholding_amount


class Withholding(models.Model):
    """원천징수 line of a payment order: withheld from the payee, owed to the tax office."""

    payment = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="withholdings")
    kind = models.CharField(max_length=20)  # income_tax, local_income_tax, health_insurance, pension …
    amount = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="withholding_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class Refund(models.Model):
    """반납: money paid out comes back. Before the closing deadline it restores the line (지방회계법 §27)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    payment = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    received_on = models.DateField()
    restored_line = models.BooleanField()  # False: it became revenue of the year it arrived in
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    idempotency_key = models.CharField(max_length=140, unique=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.amount}"


class DocumentCounter(models.Model):
    """Consecutive document numbers per government, year and kind (지급명령번호 …)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["government", "year", "kind"], name="document_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.value}"
