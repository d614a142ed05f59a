"""조정: the budget office sets each line's amount; the same row form records the council's amendments."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofin.core.errors import LofinError, NotFound
from lofin.core.http import TenantRequest
from lofin.core.permissions import require

from ..access import MANAGE
from ..actions import adjustment, council
from ..forms import AmountForm
from ..models import CodeKind, ExpenditureLine, NationalCode, VersionStatus
from .common import line_table, version_or_404, version_url


def adjust_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    """조정: the budget office sets each line's amount, with a reason where it differs from the request."""
    version = version_or_404(request, year, number)
    require(request.user, MANAGE, request.government)
    context = {"government": request.government, "version": version, **line_table(request, version)}
    return render(request, "budget/adjust.html", context)


@require_POST
def line_amount(request: TenantRequest, gov_code: str, line_id: int, action: str) -> HttpResponse:
    """An adjustment or a council amendment of one line; answers with the row (htmx) or redirects back."""
    line = ExpenditureLine.objects.filter(pk=line_id, government=request.government).select_related("version").first()
    if line is None:
        raise NotFound()
    form = AmountForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Enter an amount of 0 won or more.")
    else:
        try:
            if action == "adjust":
                line = adjustment.do_adjust_line(
                    line.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], actor=request.user
                )
            elif action == "explicit-carry":
                # 명시이월비 (R-BP-10): in the bill while adjusting, a council amendment once submitted.
                line = adjustment.do_set_explicit_carry(
                    line.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], actor=request.user
                )
            elif action == "amend":
                line = council.do_amend_line(
                    line.pk,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    head_consent=form.cleaned_data["head_consent"],
                    actor=request.user,
                )
            else:
                raise NotFound()
        except LofinError as exc:
            if exc.status == 404:
                raise
            error = str(exc.message)
    row = action
    if action == "explicit-carry":
        row = "adjust" if line.version.status == VersionStatus.ADJUSTING else "amend"
    if request.htmx:  # type: ignore[attr-defined]
        line = ExpenditureLine.objects.select_related("project", "project__department").get(pk=line.pk)
        names = dict(
            NationalCode.objects.filter(
                kind=CodeKind.OBJECT, year=line.version.year, code=line.object_code
            ).values_list("code", "name")
        )
        return render(
            request,
            f"budget/_{row}_row.html",
            {
                "line": line,
                "object_name": names.get(line.object_code, ""),
                "error": error,
                "version": line.version,
                "government": request.government,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect(request.POST.get("next") or version_url(line.version, "adjust" if row == "adjust" else "council"))
