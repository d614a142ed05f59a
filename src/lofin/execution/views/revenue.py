"""Revenue screens (세입): the year's assessments, 징수결의 and 수납."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.budget.models import Account, CodeKind, NationalCode
from lofin.core.http import TenantRequest
from lofin.core.permissions import has_permission, require
from lofin.core.types import year_or_404

from ..access import CASHIER, REVENUE, VIEW
from ..actions import revenue
from ..forms import AssessForm, ReceiptForm
from ..models import Assessment, AssessmentStatus
from .common import abilities, assessment_or_404, submit

PAGE_SIZE = 100


def _revenue_names(year: int) -> dict[str, str]:
    return dict(NationalCode.objects.filter(kind=CodeKind.REVENUE, year=year).values_list("code", "name"))


@require_GET
def revenue_page(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    status = request.GET.get("status", "")
    assessments = Assessment.objects.filter(government=government, year=year).select_related("account")
    if status in AssessmentStatus.values:
        assessments = assessments.filter(status=status)
    else:
        status = ""
    # A cancelled or corrected decision no longer counts (its correction does), unless cancelled ones are asked for.
    counted = (
        assessments if status == AssessmentStatus.CANCELLED else assessments.exclude(status=AssessmentStatus.CANCELLED)
    )
    totals = counted.aggregate(amount=Sum("amount"), collected=Sum("collected_amount"))
    page = Paginator(assessments.order_by("-assessed_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    names = _revenue_names(year)
    context = {
        "government": government,
        "year": year,
        "page": page,
        "rows": [(a, names.get(a.revenue_code, "")) for a in page.object_list],
        "totals": {
            "amount": totals["amount"] or 0,
            "collected": totals["collected"] or 0,
            "outstanding": (totals["amount"] or 0) - (totals["collected"] or 0),
        },
        "status": status,
        "statuses": AssessmentStatus.choices,
        "query": f"status={status}" if status else "",
        **abilities(request),
    }
    return render(request, "execution/revenue.html", context)


@require_http_methods(["GET", "POST"])
def assess(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """징수결의: the 징수관 decides what a payer owes to a revenue item."""
    government = request.government
    require(request.user, REVENUE, government)
    year = year_or_404(year)
    accounts = list(Account.objects.filter(government=government, is_active=True).order_by("code"))
    codes = [
        (code, f"{code} {name}")
        for code, name in NationalCode.objects.filter(kind=CodeKind.REVENUE, year=year, level__in=("item", "subitem"))
        .order_by("code")
        .values_list("code", "name")
    ]
    form = AssessForm(request.POST or None, accounts=[(a.code, a.name) for a in accounts], codes=codes)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: revenue.do_assess(
                next(a for a in accounts if a.code == d["account"]),
                revenue_code=d["revenue_code"],
                payer_name=d["payer_name"],
                payer_number=d["payer_number"],
                amount=d["amount"],
                kind=d["kind"],
                assessed_on=d["assessed_on"],
                due_on=d["due_on"],
                received_on=d["received_on"],
                actor=request.user,
                idempotency_key=form.key,
            ),
            {"closed_period": "assessed_on", "unknown_revenue_code": "revenue_code"},
        )
        if done is not None:
            messages.success(
                request,
                _("The assessment of %(amount)s won on %(payer)s is recorded for %(year)s.")
                % {"amount": f"{done.amount:,}", "payer": done.payer_name, "year": done.year},
            )
            return redirect("execution:revenue", gov_code, done.year)
    return render(
        request,
        "execution/form.html",
        {
            "government": government,
            "year": year,
            "form": form,
            "title": _("Decide revenue (징수결의)"),
            "submit_label": _("Record the assessment"),
            "back": ("execution:revenue", _("Revenue")),
        },
    )


@require_http_methods(["GET", "POST"])
def receipt(request: TenantRequest, gov_code: str, assessment_id: int) -> HttpResponse:
    """수납 through the 금고 or an 출납원."""
    government = request.government
    assessment = assessment_or_404(request, assessment_id)
    if not has_permission(request.user, CASHIER, government):
        require(request.user, REVENUE, government)
    form = ReceiptForm(
        request.POST or None, initial={"amount": f"{assessment.outstanding:,}" if assessment.outstanding else ""}
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: revenue.do_record_receipt(
                assessment,
                amount=d["amount"],
                received_on=d["received_on"],
                channel=d["channel"],
                deposited_on=d["deposited_on"],
                actor=request.user,
                idempotency_key=form.key,
            ),
            {
                "closed_period": "received_on",
                "separation_of_duties": "channel",
                "permission_denied": "channel",
            },
        )
        if done is not None:
            messages.success(request, _("%(amount)s won are received.") % {"amount": f"{done.amount:,}"})
            return redirect("execution:revenue", gov_code, assessment.year)
    names = _revenue_names(assessment.year)
    return render(
        request,
        "execution/form.html",
        {
            "government": government,
            "year": assessment.year,
            "assessment": assessment,
            "revenue_name": names.get(assessment.revenue_code, ""),
            "form": form,
            "title": _("Record a receipt (수납)"),
            "submit_label": _("Record the receipt"),
            "back": ("execution:revenue", _("Revenue")),
        },
    )
