"""세입: the budget office's revenue lines, and their adjustment and amendment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lofin.core.errors import LofinError, NotFound
from lofin.core.http import TenantRequest
from lofin.core.permissions import require

from ..access import MANAGE
from ..actions import revenue as actions
from ..forms import AmountForm, RevenueForm
from ..models import Account, CodeKind, NationalCode, RevenueLine
from .common import version_or_404, version_url


@require_http_methods(["GET", "POST"])
def revenue_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    version = version_or_404(request, year, number)
    require(request.user, MANAGE, request.government)
    accounts = list(Account.objects.filter(government=request.government, is_active=True).order_by("code"))
    codes = [
        (code, f"{code} {name}")
        for code, name in NationalCode.objects.filter(
            kind=CodeKind.REVENUE, year=version.year, level__in=["item", "subitem"]
        )
        .order_by("code")
        .values_list("code", "name")
    ]
    form = RevenueForm(request.POST or None, accounts=[(a.code, a.name) for a in accounts], codes=codes)
    if request.method == "POST" and form.is_valid():
        account = next(a for a in accounts if a.code == form.cleaned_data["account"])
        try:
            actions.do_save_revenue_request(
                version,
                account=account,
                revenue_code=form.cleaned_data["revenue_code"],
                amount=form.cleaned_data["amount"],
                basis_text=form.cleaned_data["basis_text"],
                actor=request.user,
            )
        except LofinError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The revenue line is saved."))
            return redirect(request.get_full_path())
    names = dict(NationalCode.objects.filter(kind=CodeKind.REVENUE, year=version.year).values_list("code", "name"))
    lines = (
        RevenueLine.objects.filter(version=version).select_related("account").order_by("account__code", "revenue_code")
    )
    return render(
        request,
        "budget/revenue.html",
        {
            "government": request.government,
            "version": version,
            "form": form,
            "lines": [(line, names.get(line.revenue_code, "")) for line in lines],
        },
    )


@require_POST
def revenue_amount(request: TenantRequest, gov_code: str, line_id: int, action: str) -> HttpResponse:
    line = RevenueLine.objects.filter(pk=line_id, government=request.government).select_related("version").first()
    if line is None:
        raise NotFound()
    form = AmountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an amount of 0 won or more."))
    else:
        try:
            if action == "adjust":
                actions.do_adjust_revenue(
                    line.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], actor=request.user
                )
            elif action == "amend":
                actions.do_amend_revenue(
                    line.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], actor=request.user
                )
            else:
                raise NotFound()
            messages.success(request, _("Saved."))
        except LofinError as exc:
            if exc.status == 404:
                raise
            messages.error(request, str(exc.message))
    return redirect(version_url(line.version, "revenue"))
