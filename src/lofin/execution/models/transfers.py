"""전용·이용·이체 and 예비비 사용: moving appropriation between lines, by request and approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TransferKind(models.TextChoices):
    VIREMENT = "virement", _("virement within a programme (전용)")
    BETWEEN_PROGRAMMES = "between_programmes", _("transfer between programmes (이용)")
    REORGANISATION = "reorganisation", _("transfer on reorganisation (이체)")
    RESERVE = "reserve", _("use of the contingency reserve (예비비 사용)")


class TransferStatus(models.TextChoices):
    IN_APPROVAL = "in_approval", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("returned")


class Transfer(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=TransferKind.choices)
    # For 예비비 사용 the source is the reserve line (801-01/801-02) of the account.
    from_line = models.ForeignKey("execution.BudgetLine", on_delete=models.PROTECT, related_name="transfers_out")
    to_line = models.ForeignKey("execution.BudgetLine", on_delete=models.PROTECT, related_name="transfers_in")
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=300)
    # 이체: the law or ordinance that moved the duties between organisations (지방재정법 §47의2②, R-BP-9).
    legal_basis = models.CharField(max_length=300, blank=True, default="")
    requested_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(max_length=12, choices=TransferStatus.choices, default=TransferStatus.IN_APPROVAL)
    approval = models.ForeignKey(
        "core.ApprovalRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(from_line=models.F("to_line")), name="transfer_between_two_lines"),
        ]
        indexes = [models.Index(fields=["government", "year", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"

    @property
    def quarter(self) -> int:
        return (self.requested_on.month - 1) // 3 + 1
