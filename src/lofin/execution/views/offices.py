"""관서 and 재배정: a new office of the year, and part of a line's allocation handed to a 분임재무관 office."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core.http import TenantRequest
from lofin.core.permissions import require
from lofin.core.types import year_or_404

from ..access import ALLOCATE, CASH
from ..actions import appropriations, offices
from ..forms import OfficeForm, SubAllocateForm
from ..models import Office, OfficeKind
from ..queries import dashboard as table
from ..queries.appropriations import object_names
from .common import line_or_404, submit


@require_http_methods(["GET", "POST"])
def create_office(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """Offices are set up anew each fiscal year: the 재무관, the 분임재무관 who commit, the 지출원 who pay."""
    government = request.government
    require(request.user, CASH, government)
    year = year_or_404(year)
    form = OfficeForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: offices.do_create_office_from_form(
                government,
                year=year,
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                staff_count=d["staff_count"],
                actor=request.user,
                form_key=form.key,
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("The office %(code)s %(name)s is set up for %(year)s.")
                % {"code": done.code, "name": done.name, "year": year},
            )
            return redirect("execution:offices", gov_code, year)
    return render(
        request,
        "execution/form.html",
        {
            "government": government,
            "year": year,
            "form": form,
            "title": _("Set up an office for %(year)s") % {"year": year},
            "submit_label": _("Set up the office"),
            "back": ("execution:offices", _("Offices and cash")),
            "rules": [
                _("A finance office (재무관) and sub-delegated finance offices (분임재무관) make commitments."),
                _("A disbursing office (지출원) orders payments within the ceiling that cash allocation sets."),
                _("The code is unique within the year; offices are set up again each year."),
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def sub_allocate(request: TenantRequest, gov_code: str, line_id: int) -> HttpResponse:
    """재배정: the budget office hands part of the line's uncommitted allocation to a 분임재무관 office, which may
    then commit within it."""
    line = line_or_404(request, line_id)
    require(request.user, ALLOCATE, request.government)
    offices = list(
        Office.objects.filter(government=request.government, year=line.year, kind=OfficeKind.SUB_FINANCE).order_by(
            "code"
        )
    )
    form = SubAllocateForm(
        request.POST or None,
        offices=[(str(o.pk), f"{o.code} {o.name}") for o in offices],
        initial={"office": str(offices[0].pk) if len(offices) == 1 else ""},
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: appropriations.do_sub_allocate_from_form(
                line,
                office=next(o for o in offices if str(o.pk) == d["office"]),
                amount=d["amount"],
                actor=request.user,
                form_key=form.key,
            ),
            {"insufficient_allocation": "amount"},
        )
        if done is not None:
            messages.success(
                request,
                _("%(office)s may now commit up to %(amount)s won on this line.")
                % {"office": done.office.name, "amount": f"{done.amount:,}"},
            )
            return redirect("execution:line", gov_code, line.pk)
    row = table.row(line, object_names(line.year))
    handed = line.allocated - line.sub_allocated - (line.committed - line.sub_committed)
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": line.year,
            "line": line,
            "row": row,
            "form": form,
            "title": _("Hand on part of the allocation (재배정)"),
            "submit_label": _("Hand on"),
            "unavailable": None
            if offices
            else _("No sub-delegated finance office (분임재무관) is set up for this year; set one up first."),
            "rules": [
                _("Only allocation the finance office has not committed can be handed on (Σ 재배정 ≤ 배정)."),
                _("Allocation that may be handed on now: %(amount)s won.") % {"amount": f"{max(handed, 0):,}"},
            ],
        },
    )
