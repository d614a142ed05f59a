"""Transfers after the request: withdrawing one still awaiting its decision (회수), and the quarterly report of
전용·이용·이체 and 예비비 사용 to the council (지방재정법 §49, §47의2②), on screen and as the XLSX the API also gives."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.core.errors import NotFound
from lofin.core.http import TenantRequest
from lofin.core.permissions import require
from lofin.core.types import year_or_404

from ..access import TRANSFER, VIEW
from ..actions import transfers as actions
from ..forms import WithdrawForm
from ..models import TransferStatus
from ..queries import transfers as queries
from ..queries.appropriations import line_code
from ..rules.transfers import report_due
from .common import submit, transfer_or_404

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_http_methods(["GET", "POST"])
def withdraw(request: TenantRequest, gov_code: str, transfer_id: int) -> HttpResponse:
    transfer = transfer_or_404(request, transfer_id)
    require(request.user, TRANSFER, request.government)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: actions.do_withdraw_transfer_from_form(transfer, actor=request.user, form_key=form.key),
        )
        if done is not None:
            messages.success(
                request,
                _("The request is withdrawn; %(amount)s won are back on the source line.")
                % {"amount": f"{done.amount:,}"},
            )
            return redirect("execution:transfers", gov_code, transfer.year)
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": transfer.year,
            "transfer": transfer,
            "transfer_from": line_code(transfer.from_line),
            "transfer_to": line_code(transfer.to_line),
            "form": form,
            "title": _("Withdraw a transfer request (회수)"),
            "submit_label": _("Withdraw the request"),
            "danger": True,
            "back": ("execution:transfers", _("Transfers")),
            "unavailable": None
            if transfer.status == TransferStatus.IN_APPROVAL
            else _("This transfer has already been decided."),
            "rules": [
                _(
                    "A request can be withdrawn only while nobody has decided it; its amount returns to the source line."
                ),
            ],
        },
    )


def _quarter(quarter: int) -> int:
    if quarter not in (1, 2, 3, 4):
        raise NotFound()
    return quarter


@require_GET
def council_report(request: TenantRequest, gov_code: str, year: int, quarter: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    report = queries.council_report(government, year_or_404(year), _quarter(quarter))
    context = {
        "government": government,
        "year": report.year,
        "report": report,
        "quarters": [(q, report_due(report.year, q)) for q in (1, 2, 3, 4)],
    }
    return render(request, "execution/council_report.html", context)


@require_GET
def council_report_xlsx(request: TenantRequest, gov_code: str, year: int, quarter: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    report = queries.council_report(government, year_or_404(year), _quarter(quarter))
    response = HttpResponse(queries.report_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="transfers-{government.code}-{report.year}-Q{report.quarter}.xlsx"'
    )
    patch_cache_control(response, private=True)
    return response
