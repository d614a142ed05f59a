"""The closing run of a government's year: the statements it computed, frozen as a snapshot with its digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    CLOSED = "closed", _("closed")  # 결산 완료: statements stored, the year locked
    SUBMITTED = "submitted", _("submitted to the council")  # 결산서 제출


class ClosingRun(models.Model):
    """One per government and year. Written in the transaction that posts the closing entries and locks the year,
    so a failed closing leaves nothing behind; re-running a closed year returns this row unchanged."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.CLOSED)
    # Canonical JSON (sorted keys, no spaces) of every statement, the 세입세출결산 and the notes.
    snapshot = models.TextField()
    digest = models.CharField(max_length=64)  # sha256 of `snapshot`
    closing_entries = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["government", "fiscal_year"], name="closing_run_unique")]

    def __str__(self) -> str:
        return f"결산 {self.fiscal_year} {self.digest[:12]}"
