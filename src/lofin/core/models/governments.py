"""The 243 local governments (tenants), effective-dated."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from lofin.core import clock


class Level(models.TextChoices):
    # The values are the official Korean terms used by the source data and by 지방재정365 exports.
    METROPOLITAN = "광역", _("metropolitan")
    BASIC = "기초", _("basic")


class Kind(models.TextChoices):
    SPECIAL_CITY = "특별시", _("special city")
    METROPOLITAN_CITY = "광역시", _("metropolitan city")
    SPECIAL_SELF_GOVERNING_CITY = "특별자치시", _("special self-governing city")
    PROVINCE = "도", _("province")
    SPECIAL_SELF_GOVERNING_PROVINCE = "특별자치도", _("special self-governing province")
    CITY = "시", _("city")
    COUNTY = "군", _("county")
    AUTONOMOUS_DISTRICT = "자치구", _("autonomous district")


class GovernmentQuerySet(models.QuerySet["LocalGovernment"]):
    def active(self, on: dt.date | None = None) -> GovernmentQuerySet:
        on = on or clock.today()
        return self.filter(
            models.Q(established_on__isnull=True) | models.Q(established_on__lte=on),
            models.Q(abolished_on__isnull=True) | models.Q(abolished_on__gt=on),
        )


class LocalGovernment(models.Model):
    """A self-governing local government. Attributes are the current ones; history is in GovernmentVersion."""

    code = models.CharField(_("code"), max_length=7, unique=True)
    name = models.CharField(_("name"), max_length=60)
    short_name = models.CharField(_("short name"), max_length=30)
    sido = models.CharField(_("province"), max_length=10)
    level = models.CharField(_("level"), max_length=4, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    legal_dong_code = models.CharField(_("legal-dong code"), max_length=5)
    self_reliance_pct = models.DecimalField(
        _("fiscal self-reliance (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)

    objects = GovernmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")

    def __str__(self) -> str:
        return self.name

    @property
    def parent_code(self) -> str:
        return self.parent.code if self.parent_id and self.parent else ""

    def as_of(self, on: dt.date | None) -> GovernmentVersion | LocalGovernment:
        """The government as it was on a date: an earlier version if one covers it, else (or with no date) the
        current row."""
        if on is None:
            return self
        for version in self.versions.all():
            if (version.valid_from is None or version.valid_from <= on) and on < version.valid_to:
                return version
        return self


class GovernmentVersion(models.Model):
    """An earlier state of a government, valid from `valid_from` (open if null) until `valid_to` (exclusive)."""

    government = models.ForeignKey(LocalGovernment, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField()
    name = models.CharField(max_length=60)
    short_name = models.CharField(max_length=30)
    sido = models.CharField(max_length=10)
    level = models.CharField(max_length=4, choices=Level.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    parent_code = models.CharField(max_length=7, blank=True)
    legal_dong_code = models.CharField(max_length=5)

    class Meta:
        ordering = ["government", "valid_to"]
        constraints = [
            models.UniqueConstraint(fields=["government", "valid_to"], name="government_version_unique_end"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (~{self.valid_to})"

    @property
    def code(self) -> str:
        return self.government.code
