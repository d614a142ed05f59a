"""세입: 징수결의 (assessment) → 납입고지 (notice) → 수납 (receipt) → 과오납 환급 (refund with interest)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class AssessmentStatus(models.TextChoices):
    OPEN = "open", _("to be collected")
    COLLECTED = "collected", _("collected")
    PRESCRIBED = "prescribed", _("extinguished by prescription")
    CANCELLED = "cancelled", _("cancelled")


class Assessment(models.Model):
    """징수결의: the 징수관 decides that a payer owes an amount to a revenue item (지방회계법 §21)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()  # the fiscal year the revenue belongs to (시행령 §2)
    account = models.ForeignKey("budget.Account", on_delete=models.PROTECT, related_name="+", db_index=False)
    revenue_code = models.CharField(max_length=10)
    payer_name = models.CharField(max_length=100)
    payer_number = models.CharField(max_length=20, blank=True)
    amount = models.BigIntegerField()
    collected_amount = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN)
    assessed_on = models.DateField()
    notice_on = models.DateField(null=True, blank=True)  # 납입고지
    due_on = models.DateField(null=True, blank=True)  # 납부기한
    # The last 납입고지 or 독촉: it interrupts the five-year prescription (지방재정법 §84).
    interrupted_on = models.DateField(null=True, blank=True)
    # 미수납 at year end continues as 과년도 수입 of the next year; this points back to the original.
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    idempotency_key = models.CharField(max_length=140, unique=True)
    # A decision made in error is never overwritten: it is cancelled (kept, with the day and the official's reason),
    # and a correction is a new decision pointing back to the one it replaces (at most one).
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="assessment_amount_positive"),
            models.CheckConstraint(
                condition=(Q(status="cancelled") & Q(cancelled_on__isnull=False))
                | (~Q(status="cancelled") & Q(cancelled_on__isnull=True)),
                name="assessment_cancelled_dated",
            ),
            models.CheckConstraint(
                condition=Q(collected_amount__gte=0) & Q(collected_amount__lte=F("amount")),
                name="assessment_collected_within",
            ),
        ]
        indexes = [models.Index(fields=["government", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.payer_name} {self.amount}"

    @property
    def outstanding(self) -> int:
        return self.amount - self.collected_amount


class ReceiptChannel(models.TextChoices):
    TREASURY = "treasury", _("treasury bank (금고)")
    CASHIER = "cashier", _("cashier (출납원)")


class Receipt(models.Model):
    """수납: money received against an assessment, by the 금고 or an 출납원 who must deposit it in time."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="receipts")
    amount = models.BigIntegerField()
    received_on = models.DateField()
    channel = models.CharField(max_length=10, choices=ReceiptChannel.choices)
    deposited_on = models.DateField(null=True, blank=True)
    deposit_late = models.BooleanField(default=False)  # R-RV-2
    refunded_amount = models.BigIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    idempotency_key = models.CharField(max_length=140, unique=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")), name="receipt_refund_within"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.amount}"


class RefundInterestRate(models.Model):
    """환급가산금 rate (국세기본법 시행령 §43의3②), by period: the rate changes, so it is data."""

    valid_from = models.DateField(unique=True)
    annual_rate_bp = models.PositiveIntegerField()  # basis points per year: 350 = 3.5 %

    class Meta:
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from} {self.annual_rate_bp}bp"


class OverpaymentRefund(models.Model):
    """과오납 환급: money received in error goes back, from current revenue, with interest (지방회계법 §28)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    interest = models.BigIntegerField()
    refunded_on = models.DateField()
    reason = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    idempotency_key = models.CharField(max_length=140, unique=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(interest__gte=0), name="overpayment_refund_positive")
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.amount}+{self.interest}"
