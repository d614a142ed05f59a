"""People, their organisations and what they may do in which government."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from lofin.core import clock
from lofin.core.roles import AccountType, Position, Role

from .governments import LocalGovernment


class User(AbstractUser):
    display_name = models.CharField(_("name"), max_length=60, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=20, choices=AccountType.choices, default=AccountType.RESIDENT
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=[("ko", "한국어"), ("en", "English")], default="ko"
    )
    # 사업자등록번호 of a supplier or subsidy operator, digits only.
    business_number = models.CharField(_("business registration number"), max_length=10, blank=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # "Kim" and "kim" are one person's name to a human: refuse the second at the database.
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def label(self) -> str:
        return f"{self.display_name} ({self.username})" if self.display_name else self.username


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        on = on or clock.today()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on),
            user__is_active=True,
        )


class Membership(models.Model):
    """One role of one person in one government (or platform-wide for the operator role)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    government = models.ForeignKey(
        LocalGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("local government"),
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "government", "role"], name="membership_unique_role"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(government__isnull=True),
                name="membership_unique_global_role",
            ),
        ]
        indexes = [models.Index(fields=["government", "role"])]

    def __str__(self) -> str:
        where = self.government.short_name if self.government_id and self.government else "*"
        return f"{self.user} · {self.get_role_display()} @ {where}"


class Department(models.Model):
    """부서: a unit of a government's organisation. The budget and approval lines hang off it."""

    government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=80)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["government", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["government", "code"], name="department_unique_code")]

    def __str__(self) -> str:
        return self.name


class Official(models.Model):
    """A person's post in a government: department and position (직위), used by approval lines."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts")
    government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT, related_name="officials")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="officials"
    )
    position = models.PositiveSmallIntegerField(_("position"), choices=Position.choices, default=Position.STAFF)
    title = models.CharField(_("title"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("official post")
        verbose_name_plural = _("official posts")
        constraints = [models.UniqueConstraint(fields=["user", "government"], name="official_unique_post")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_position_display()}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
