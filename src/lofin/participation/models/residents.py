"""Residents: identity verification (본인확인) and the match against the government's resident list.

A person is known across accounts and channels by `identity_hash`, a keyed hash of the verified name, birth
date and the sex digit of the resident number (rules.identity_hash). The same hash is computed for each row of
an uploaded resident list and for a paper ballot entered by an official, so one person has one vote whichever
way they vote. The resident registration number itself is never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cycle import EligibilityBasis


class VerificationMethod(models.TextChoices):
    PHONE = "phone", _("mobile phone identity check (휴대폰 본인확인)")
    IDENTITY = "identity", _("identity document in person")


class CensusList(models.Model):
    """A resident list the government uploaded (주민등록·사업장·학교 명부); the current one is matched."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64)  # sha256 of the uploaded file, to tell re-uploads apart
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["government_id", "-uploaded_at", "-id"]
        verbose_name = _("resident list")
        verbose_name_plural = _("resident lists")
        constraints = [
            models.UniqueConstraint(
                fields=["government"], condition=Q(is_current=True), name="pb_census_one_current_list"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CensusEntry(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    census = models.ForeignKey(CensusList, on_delete=models.CASCADE, related_name="entries")
    name = models.CharField(_("name"), max_length=60)
    birth_date = models.DateField(_("birth date"))
    identity_hash = models.CharField(max_length=64)
    basis = models.CharField(_("basis"), max_length=10, choices=EligibilityBasis.choices)
    area = models.CharField(_("area"), max_length=60, blank=True)  # 행정동, workplace or school

    class Meta:
        ordering = ["census_id", "id"]
        indexes = [models.Index(fields=["government", "identity_hash"], name="pb_census_identity")]

    def __str__(self) -> str:
        return f"{self.name} ({self.birth_date})"


class Resident(models.Model):
    """A verified person taking part in one government's participatory budgeting."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pb_residencies")
    method = models.CharField(_("verification"), max_length=10, choices=VerificationMethod.choices)
    verified_name = models.CharField(_("verified name"), max_length=60)
    birth_date = models.DateField(_("birth date"))
    identity_hash = models.CharField(max_length=64)
    ci_hash = models.CharField(max_length=64, blank=True)  # sha256 of the service's CI (연계정보)
    verified_at = models.DateTimeField(_("verified at"))
    census_entry = models.ForeignKey(CensusEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    basis = models.CharField(_("basis"), max_length=10, choices=EligibilityBasis.choices, blank=True)
    census_matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["government_id", "id"]
        verbose_name = _("verified resident")
        verbose_name_plural = _("verified residents")
        constraints = [
            models.UniqueConstraint(fields=["government", "user"], name="pb_resident_unique_user"),
            # One person, one participant per government, however many accounts they open.
            models.UniqueConstraint(fields=["government", "identity_hash"], name="pb_resident_unique_identity"),
        ]

    def __str__(self) -> str:
        return self.verified_name
