"""결재: approval lines for every state change that needs sign-off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lofin.core.roles import Position


class StepKind(models.TextChoices):
    DRAFT = "draft", _("draft")  # 기안
    REVIEW = "review", _("review")  # 검토
    COOPERATE = "cooperate", _("cooperation")  # 협조
    APPROVE = "approve", _("final approval")  # 결재


class RequestStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("in progress")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("returned")  # 반려
    WITHDRAWN = "withdrawn", _("withdrawn")  # 회수


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    PENDING = "pending", _("awaiting decision")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("returned")
    SKIPPED = "skipped", _("not needed")


class ActingMode(models.TextChoices):
    NORMAL = "normal", _("in person")
    SUBSTITUTE = "substitute", _("acting (대결)")
    DELEGATED_FINAL = "delegated_final", _("delegated final decision (전결)")


class ApprovalPolicy(models.Model):
    """위임전결 rule: documents of a kind up to `max_amount` may be finally decided at `final_position`.

    A row with no government is the national default; a government's own rows replace the defaults for
    that document kind. The rule for an amount is the row with the smallest max_amount that covers it
    (a null max_amount covers everything).
    """

    government = models.ForeignKey(
        "core.LocalGovernment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approval_policies",
    )
    doc_kind = models.CharField(_("document kind"), max_length=60)
    max_amount = models.BigIntegerField(_("up to amount (won)"), null=True, blank=True)
    final_position = models.PositiveSmallIntegerField(_("decided by"), choices=Position.choices)

    class Meta:
        verbose_name = _("delegated decision rule")
        verbose_name_plural = _("delegated decision rules")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "doc_kind", "max_amount"], name="approval_policy_unique_band"
            ),
            models.CheckConstraint(
                condition=models.Q(max_amount__isnull=True) | models.Q(max_amount__gte=0),
                name="approval_policy_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_kind} ≤ {self.max_amount} → {self.get_final_position_display()}"


class ApprovalRequest(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    doc_kind = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    amount = models.BigIntegerField(null=True, blank=True)
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    required_position = models.PositiveSmallIntegerField(choices=Position.choices)
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.IN_PROGRESS)
    current_order = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # A retried submission returns the first request instead of opening a second line. The stored key is
    # namespaced by government and drafter; the fingerprint tells a true retry from a reused key.
    idempotency_key = models.CharField(max_length=160, unique=True)
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["government", "status"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return self.title


class ApprovalStep(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=StepStatus.choices, default=StepStatus.WAITING)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(max_length=16, choices=ActingMode.choices, blank=True)
    comment = models.TextField(blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    # 후결: when a substitute decided, the absent assignee confirms afterwards.
    post_review_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "order"]
        constraints = [models.UniqueConstraint(fields=["request", "order"], name="approval_step_unique_order")]
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.order} {self.kind}"


class Delegation(models.Model):
    """대결 지정: while `delegator` is absent, `substitute` may act on their pending steps."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="delegation_period"),
            models.CheckConstraint(condition=~models.Q(delegator=models.F("substitute")), name="delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.substitute}"
