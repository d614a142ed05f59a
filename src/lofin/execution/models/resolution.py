"""지출결의, the 금고's report of a payment, and the settlement of 개산급.

The chain is 지출원인행위 (commitment) → 지출결의 (resolution: the 재무관 hands the claim and the inspection record to the
지출원, 지방회계법 §31) → 지급명령 (payment order, §32) → paid (the 금고's notice, 시행령 §63②). These rows live beside
the payment order rather than in it, so the order's table keeps its shape for every existing caller.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class InspectionResult(models.TextChoices):
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")


class ResolutionStatus(models.TextChoices):
    OPEN = "open", _("open")  # payment orders may still be issued against it
    ORDERED = "ordered", _("ordered in full")
    CANCELLED = "cancelled", _("cancelled")


class ExpenditureResolution(models.Model):
    """지출결의: the 재무관's resolution to pay a creditor's claim on a commitment, with its inspection record."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    commitment = models.ForeignKey("execution.Commitment", on_delete=models.PROTECT, related_name="resolutions")
    number = models.CharField(max_length=30)  # 지출결의번호, unique per government and fiscal year
    fiscal_year = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField()
    # A claim for 선금 (advance on a works/goods/services contract): paid before performance, so never inspected.
    for_advance = models.BooleanField(default=False)
    # 청구서: the creditor's claim
    claim_number = models.CharField(max_length=40)
    claimed_on = models.DateField()
    claim_amount = models.BigIntegerField()
    # 검수·검사: who inspected the delivery or work, when, and what was found
    inspected_on = models.DateField(null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True, db_index=False
    )
    inspection_result = models.CharField(max_length=8, choices=InspectionResult.choices, blank=True)
    inspection_note = models.CharField(max_length=200, blank=True)
    resolved_on = models.DateField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    ordered_amount = models.BigIntegerField(default=0)  # Σ payment orders issued against it
    status = models.CharField(max_length=10, choices=ResolutionStatus.choices, default=ResolutionStatus.OPEN)
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=140)

    class Meta:
        ordering = ["government_id", "fiscal_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="resolution_unique_idempotency_key"),
            models.UniqueConstraint(fields=["government", "fiscal_year", "number"], name="resolution_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="resolution_amount_positive"),
            models.CheckConstraint(
                condition=Q(claim_amount__gt=0) & Q(amount__lte=F("claim_amount")), name="resolution_within_claim"
            ),
            models.CheckConstraint(
                condition=Q(ordered_amount__gte=0) & Q(ordered_amount__lte=F("amount")),
                name="resolution_ordered_within",
            ),
            models.CheckConstraint(
                condition=Q(inspection_result="") | Q(inspected_on__isnull=False), name="resolution_inspection_dated"
            ),
        ]
        indexes = [models.Index(fields=["government", "fiscal_year", "resolved_on"], name="resolution_by_day")]

    def __str__(self) -> str:
        return self.number

    @property
    def remaining(self) -> int:
        return self.amount - self.ordered_amount if self.status == ResolutionStatus.OPEN else 0


class ResolutionPayment(models.Model):
    """A payment order issued against a 지출결의 (one resolution may be paid in parts)."""

    resolution = models.ForeignKey(ExpenditureResolution, on_delete=models.PROTECT, related_name="orders")
    payment = models.OneToOneField("execution.PaymentOrder", on_delete=models.PROTECT, related_name="resolution_link")

    def __str__(self) -> str:
        return f"{self.resolution_id}→{self.payment_id}"


class PaymentConfirmation(models.Model):
    """The 금고's notice that it transferred a payment order (지방회계법 시행령 §63②): one per order, never two."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    payment = models.OneToOneField("execution.PaymentOrder", on_delete=models.PROTECT, related_name="confirmation")
    paid_on = models.DateField()
    bank_reference = models.CharField(max_length=40)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A bank reference names one transfer: the same reference cannot confirm a second order.
            models.UniqueConstraint(fields=["government", "bank_reference"], name="payment_confirmation_reference")
        ]

    def __str__(self) -> str:
        return self.bank_reference


class EstimatedSettlement(models.Model):
    """개산급 정산 (지방회계법 §35, 시행령 §45): the estimated payments of a commitment against the actual amount.
    The excess came back as 반납 (`refunded`), a shortfall was paid by a further order (`further_payment`)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    commitment = models.OneToOneField(
        "execution.Commitment", on_delete=models.PROTECT, related_name="estimated_settlement"
    )
    estimated_amount = models.BigIntegerField()  # paid on the commitment (net of earlier refunds) when settled
    actual_amount = models.BigIntegerField()
    refunded_amount = models.BigIntegerField(default=0)
    refund_restored_line = models.BooleanField(default=True)  # False: it came back late and became revenue
    further_payment = models.OneToOneField(
        "execution.PaymentOrder", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    released_amount = models.BigIntegerField(default=0)  # commitment freed for the line's allocation
    settled_on = models.DateField()
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=140)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="estimated_settlement_unique_key"),
            models.CheckConstraint(
                condition=Q(estimated_amount__gt=0)
                & Q(actual_amount__gte=0)
                & Q(refunded_amount__gte=0)
                & Q(released_amount__gte=0),
                name="estimated_settlement_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount=0) | Q(refunded_amount=F("estimated_amount") - F("actual_amount")),
                name="estimated_settlement_refund_is_excess",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.estimated_amount}→{self.actual_amount}"
