"""The operators' admin for the chart of accounts and the 자동분개 mapping: every change audited, no deletions
(journal lines and later postings point at the codes), the postings' in-process copy cleared on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lofin.core.admin import AuditedAdmin, OperatorAdmin, admin_site

from . import chart
from .models import ChartVersion, LedgerAccount, LedgerMapping


class MappingForm(forms.ModelForm):
    class Meta:
        model = LedgerMapping
        fields = [
            "version",
            "side",
            "code",
            "name",
            "debit_code",
            "credit_code",
            "is_internal",
            "asset_class",
            "useful_life",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = [data.get("debit_code")] + ([data.get("credit_code")] if data.get("side") == "revenue" else [])
        for code in codes:
            try:
                chart.check_postable(code or "")
            except chart.UnknownLedger:
                raise forms.ValidationError(
                    _("There is no such ledger account in the chart: %(code)s") % {"code": code}
                ) from None
            except chart.SummaryLedger:
                raise forms.ValidationError(
                    _("A summary account takes no postings: %(code)s") % {"code": code}
                ) from None
        return data


class NoDelete:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LedgerMappingAdmin(NoDelete, AuditedAdmin):
    form = MappingForm
    list_display = ("version", "side", "code", "name", "debit_code", "credit_code", "is_internal", "asset_class")
    list_filter = ("version", "side", "is_internal")
    search_fields = ("code", "name", "debit_code", "credit_code")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        chart.clear_cache()


class LedgerAccountAdmin(NoDelete, AuditedAdmin):
    list_display = ("code", "name", "category", "section", "is_summary", "is_internal")
    list_filter = ("category", "is_summary", "is_internal")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A posted code keeps its category and level; only its names and statement line may be corrected.
        return ("code", "category", "is_summary", "parent_code") if obj else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        chart.clear_cache()


class ChartVersionAdmin(NoDelete, OperatorAdmin):
    list_display = ("effective_year", "name")


admin_site.register(LedgerMapping, LedgerMappingAdmin)
admin_site.register(LedgerAccount, LedgerAccountAdmin)
admin_site.register(ChartVersion, ChartVersionAdmin)
