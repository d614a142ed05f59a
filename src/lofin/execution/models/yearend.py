"""Year end: 이월 (carry-over) into the next fiscal year, 불용 (lapse), and 일상경비 (imprest) advances."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CarryOverKind(models.TextChoices):
    EXPLICIT = "explicit", _("explicit carry-over (명시이월)")
    ACCIDENT = "accident", _("accident carry-over (사고이월)")
    CONTINUING = "continuing", _("continuing expenditure carry-over (계속비이월)")


class CarryOver(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=12, choices=CarryOverKind.choices)
    from_line = models.ForeignKey("execution.BudgetLine", on_delete=models.PROTECT, related_name="carried_out")
    to_line = models.ForeignKey("execution.BudgetLine", on_delete=models.PROTECT, related_name="carried_into")
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=300)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="carry_over_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class ImprestStatus(models.TextChoices):
    OPEN = "open", _("advanced")
    SETTLED = "settled", _("settled")


class ImprestAdvance(models.Model):
    """일상경비: cash advanced to an 출납원 for a kind of small expense, settled or returned by 20 January."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    line = models.ForeignKey("execution.BudgetLine", on_delete=models.PROTECT, related_name="imprests")
    payment = models.OneToOneField("execution.PaymentOrder", on_delete=models.PROTECT, related_name="imprest")
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=20)
    amount = models.BigIntegerField()
    spent_amount = models.BigIntegerField(default=0)
    returned_amount = models.BigIntegerField(default=0)
    status = models.CharField(max_length=8, choices=ImprestStatus.choices, default=ImprestStatus.OPEN)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(spent_amount__gte=0)
                & Q(returned_amount__gte=0)
                & Q(spent_amount__lte=F("amount") - F("returned_amount")),
                name="imprest_within_advance",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
