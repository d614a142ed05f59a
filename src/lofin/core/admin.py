"""The operators' admin: locked to the operator role, with a verified TOTP device (LOFIN_ADMIN_OTP=1, the
default), and every change audited in the same transaction."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, rules
from lofin.core.models import (
    ApprovalPolicy,
    AuditEvent,
    Delegation,
    Department,
    ExtraHoliday,
    GovernmentVersion,
    LocalGovernment,
    Membership,
    MessageStatus,
    Official,
    OutboundMessage,
    User,
)
from lofin.core.permissions import forget_roles, is_operator


class LofinAdminSite(admin.AdminSite):
    site_header = _("Lofin operations")
    site_title = _("Lofin operations")
    index_title = _("Governments, people and memberships")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated and is_operator(user)):
            return False
        verified = hasattr(user, "is_verified") and user.is_verified()
        return verified or not settings.LOFIN_ADMIN_OTP

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Operators log in like everyone else (password, then their TOTP code)."""
        if request.user.is_authenticated and is_operator(request.user):
            messages.error(
                request,
                _(
                    "The operations console needs two-step verification: set up an authenticator app, then log in again."
                ),
            )
            return HttpResponseRedirect(reverse("core:account"))
        if request.user.is_authenticated:
            messages.error(request, _("Only system operators may open the operations console."))
            return HttpResponseRedirect(reverse("portal:home"))
        return HttpResponseRedirect(reverse("core:login") + "?next=" + request.get_full_path())


admin_site = LofinAdminSite(name="admin")


def _operator(request: HttpRequest) -> User:
    """The person behind an admin request (the site lets only logged-in operators in)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _changes(form: forms.ModelForm | None) -> dict[str, Any]:
    """The changed fields, for the audit record; secrets never go into the (append-only) trail."""
    if form is None:
        return {}
    return {
        name: form.cleaned_data.get(name)
        for name in form.changed_data
        if "password" not in name and name not in {"key", "secret"}
    }


class OperatorAdmin(admin.ModelAdmin):
    """Operators hold one role, not Django's per-model permissions: the site already checked the role."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)


class AuditedAdmin(OperatorAdmin):
    """Admin changes are audited like any other write (the admin wraps each save in a transaction)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        verb = "change" if change else "add"
        audit.record(_operator(request), f"admin.{obj._meta.label_lower}.{verb}", obj, data=_changes(form))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        label, pk, government = obj._meta.label_lower, obj.pk, getattr(obj, "government", None)
        super().delete_model(request, obj)
        audit.record(
            _operator(request), f"admin.{label}.delete", government=government, object_type=label, object_id=pk
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class OperatorInline(admin.TabularInline):
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)


class VersionInline(OperatorInline):
    model = GovernmentVersion
    extra = 0


@admin.register(LocalGovernment, site=admin_site)
class LocalGovernmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "legal_dong_code")
    list_filter = ("level", "kind", "sido")
    search_fields = ("code", "name", "short_name", "legal_dong_code")
    readonly_fields = ("code",)
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "government", "role", "valid_from", "valid_until"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user")
        if user is not None and data.get("role"):
            problem = rules.membership_problem(
                role=data["role"],
                has_government=data.get("government") is not None,
                account_type=user.account_type,
                valid_from=data.get("valid_from"),
                valid_until=data.get("valid_until"),
            )
            if problem:
                raise forms.ValidationError(problem)
        return data


class MembershipInline(OperatorInline):
    model = Membership
    fk_name = "user"
    form = MembershipForm
    extra = 0
    autocomplete_fields = ("government",)
    readonly_fields = ("granted_by",)


class OfficialInline(OperatorInline):
    model = Official
    extra = 0
    autocomplete_fields = ("government",)


class UserCreationAdminForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "display_name", "account_type", "email", "phone")


@admin.register(User, site=admin_site)
class UserAdmin(BaseUserAdmin, AuditedAdmin):
    add_form = UserCreationAdminForm
    list_display = ("username", "display_name", "account_type", "email", "is_active", "last_login")
    list_filter = ("account_type", "is_active")
    search_fields = ("username", "display_name", "email", "business_number")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "account_type", "email", "phone", "preferred_language")}),
        (_("Business"), {"fields": ("organisation", "business_number")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "display_name", "account_type", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline, OfficialInline]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        # Roles and posts are given once the account exists (the add page creates the account only).
        return [] if obj is None else list(self.inlines)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            label, pk = obj._meta.label_lower, obj.pk
            government = getattr(obj, "government", None)
            obj.delete()
            audit.record(
                _operator(request), f"admin.{label}.delete", government=government, object_type=label, object_id=pk
            )
        for obj in instances:
            if isinstance(obj, Membership) and obj.granted_by_id is None:
                obj.granted_by_id = request.user.pk
            obj.save()
            audit.record(_operator(request), f"admin.{obj._meta.label_lower}.save", obj)
        formset.save_m2m()
        forget_roles(form.instance)


@admin.register(Membership, site=admin_site)
class MembershipAdmin(AuditedAdmin):
    form = MembershipForm
    list_display = ("user", "government", "role", "valid_from", "valid_until")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "government__name", "government__code")
    autocomplete_fields = ("user", "government")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.granted_by_id is None:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Department, site=admin_site)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name", "government", "parent", "is_active")
    search_fields = ("code", "name", "government__name")
    autocomplete_fields = ("government", "parent")


@admin.register(Official, site=admin_site)
class OfficialAdmin(AuditedAdmin):
    list_display = ("user", "government", "department", "position", "title")
    list_filter = ("position",)
    search_fields = ("user__username", "user__display_name", "government__name")
    autocomplete_fields = ("user", "government", "department")


@admin.register(ApprovalPolicy, site=admin_site)
class ApprovalPolicyAdmin(AuditedAdmin):
    list_display = ("doc_kind", "government", "max_amount", "final_position")
    list_filter = ("doc_kind", "final_position")
    autocomplete_fields = ("government",)


@admin.register(Delegation, site=admin_site)
class DelegationAdmin(AuditedAdmin):
    list_display = ("delegator", "substitute", "government", "starts_at", "ends_at", "revoked_at")
    readonly_fields = ("created_by",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ExtraHoliday, site=admin_site)
class ExtraHolidayAdmin(AuditedAdmin):
    list_display = ("date", "name", "is_holiday")


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(OperatorAdmin):
    list_display = ("chain_key", "seq", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("chain_key", "actor_label", "action", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundMessage, site=admin_site)
class OutboundMessageAdmin(OperatorAdmin):
    list_display = ("channel", "address", "status", "attempts", "created_at", "sent_at")
    list_filter = ("channel", "status")
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send again (only for messages that failed or whose outcome is unknown)"))
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        chosen = list(
            queryset.filter(status__in=[MessageStatus.DEAD, MessageStatus.UNKNOWN]).values_list("pk", flat=True)
        )
        with transaction.atomic():
            OutboundMessage.objects.filter(pk__in=chosen).update(
                status=MessageStatus.PENDING, next_attempt_at=clock.now()
            )
            for pk in chosen:
                audit.record(
                    _operator(request),
                    "admin.core.outboundmessage.resend",
                    object_type="core.outboundmessage",
                    object_id=pk,
                )
        self.message_user(request, _("%(count)d messages will be sent again.") % {"count": len(chosen)})
