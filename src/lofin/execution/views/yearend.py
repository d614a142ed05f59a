"""Year end: the dates that govern it, the lapse (불용) per line, the carry-overs (이월) and closing the year."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lofin.core import clock, fiscal
from lofin.core.errors import LofinError, NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import AuditEvent, User
from lofin.core.permissions import require
from lofin.core.types import is_ascii_digits, year_or_404

from ..access import ALLOCATE, VIEW
from ..actions import appropriations
from ..actions import yearend as actions
from ..errors import CarryOverNotAllowed
from ..forms import CarryOverForm, CloseYearForm
from ..models import BudgetLine, CarryOver, CarryOverKind, Commitment, CommitmentStatus
from ..queries import dashboard as table
from ..queries import yearend as queries
from ..queries.appropriations import object_names
from .common import abilities, line_or_404, submit

PAGE_SIZE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dates(year: int, today: dt.date) -> dict[str, Any]:
    """The calendar of a year's end (지방회계법 §7, 시행령 §3; 지방재정법 §50) and where today stands in it."""
    closing = fiscal.cash_closing_date(year)
    if today <= closing:
        stage = "running"
    elif fiscal.fiscal_year(today) == year + 1:
        stage = "deciding"
    else:
        stage = "past"
    return {
        "today": today,
        "closing": closing,
        "exceptions": fiscal.exception_deadline(year),
        "completion": fiscal.completion_deadline(year),
        "decide_from": closing + dt.timedelta(days=1),
        "decide_until": dt.date(year + 1, 12, 31),
        "stage": stage,
        "provisional": today <= fiscal.exception_deadline(year),
    }


def _names(line_ids: list[int], year: int) -> dict[int, str]:
    objects = object_names(year)
    return {
        line.pk: f"{line.project.name} / {objects.get(line.object_code, line.object_code)}"
        for line in BudgetLine.objects.filter(pk__in=line_ids).select_related("project")
    }


@require_http_methods(["GET", "POST"])
def year_end(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    today = clock.today()
    form = CloseYearForm(request.POST or None)
    if request.method == "POST":
        require(request.user, ALLOCATE, government)
        done = submit(
            form,
            lambda d: actions.do_close_year_from_form(government, year, actor=request.user, form_key=form.key),
        )
        if done is not None:
            text = (
                _("The lapse of %(year)s is recorded: %(lapsed)s won. The figures are provisional until 20 January.")
                if done.provisional
                else _("The lapse of %(year)s is recorded: %(lapsed)s won. These are the final figures.")
            )
            messages.success(request, text % {"year": year, "lapsed": f"{done.lapsed:,}"})
            return redirect("execution:year_end", gov_code, year)
    report = queries.lapse_report(government, year, today=today)
    page = Paginator(report.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = _names([r.line_id for r in page.object_list], year)
    carries = list(queries.carry_overs(government, year))
    closings = AuditEvent.objects.filter(
        government=government, action="execution.year.close", object_type="execution.year", object_id=str(year)
    ).order_by("-occurred_at", "-pk")[:5]
    context = {
        "government": government,
        "year": year,
        "dates": dates(year, today),
        "report": report,
        "page": page,
        "rows": [(r, names.get(r.line_id, "")) for r in page.object_list],
        "carries": [(c, (getattr(c, "recorded", None) or {}).get("commitment")) for c in carries],
        "closings": closings,
        "form": form,
        **abilities(request),
    }
    return render(request, "execution/yearend.html", context)


@require_GET
def lapse_download(request: TenantRequest, gov_code: str, year: int, fmt: str) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    report = queries.lapse_report(government, year, today=clock.today())
    names = _names([r.line_id for r in report.rows], year)
    headers = [
        _("Code"),
        _("Detail project / statistical item"),
        _("Appropriation (예산현액)"),
        _("Paid (지출)"),
        _("Carried over (이월)"),
        _("Lapsed (불용)"),
    ]
    rows = [[r.code, names.get(r.line_id, ""), r.appropriation, r.paid, r.carried_out, r.lapsed] for r in report.rows]
    totals = [_("Total"), "", report.appropriation, report.paid, report.carried_out, report.lapsed]
    if fmt == "xlsx":
        # openpyxl takes most of a second to import: loaded when a workbook is asked for, not with every page.
        from openpyxl import Workbook  # noqa: PLC0415

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(year)
        title = _("%(government)s · lapse of %(year)s (won)") % {"government": government.name, "year": year}
        if report.provisional:
            title += " · " + _("provisional")
        sheet.append([title])
        sheet.append(headers)
        for row in [*rows, totals]:
            sheet.append(row)
        for cells in sheet.iter_rows(min_row=3, min_col=3, max_col=6):
            for cell in cells:
                cell.number_format = "#,##0"
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows([*rows, totals])
        response = HttpResponse(("\ufeff" + text.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    else:
        raise NotFound()
    response["Content-Disposition"] = f'attachment; filename="lapse-{government.code}-{year}.{fmt}"'
    patch_cache_control(response, private=True)
    return response


def _commitment_choices(line: BudgetLine, posted: str = "") -> list[tuple[str, str]]:
    """The line's commitments with something unpaid, and the one a re-sent form names even if the first submission
    carried all of it (so the retry reaches the action and gets the first carry-over back)."""
    unpaid = Q(status=CommitmentStatus.ACTIVE, amount__gt=F("paid_amount"))
    if is_ascii_digits(posted):
        unpaid |= Q(pk=int(posted))
    open_ = (
        Commitment.objects.filter(unpaid, line=line)
        .only("pk", "committed_on", "creditor", "purpose", "amount", "paid_amount")
        .order_by("committed_on", "pk")[:500]
    )
    return [
        (
            str(c.pk),
            _("%(day)s · %(creditor)s · %(purpose)s · unpaid %(unpaid)s won")
            % {
                "day": c.committed_on.isoformat(),
                "creditor": c.creditor,
                "purpose": c.purpose,
                "unpaid": f"{c.amount - c.paid_amount:,}",
            },
        )
        for c in open_
    ]


def _carry(line: BudgetLine, data: dict[str, Any], *, actor: User, key: str) -> CarryOver:
    commitment = None
    if data["commitment"]:
        commitment = Commitment.objects.filter(pk=int(data["commitment"]), line=line).first()
        if commitment is None:
            raise NotFound()
    try:
        return actions.do_carry_over(
            data["kind"],
            from_line=line,
            amount=data["amount"],
            reason=data["reason"],
            commitment=commitment,
            actor=actor,
            idempotency_key=key,
        )
    except CarryOverNotAllowed as error:
        # 사고이월 without a commitment, or one with nothing unpaid, is about the commitment; 계속비이월 without a
        # 계속비 is about the kind chosen.
        about_kind = data["kind"] == CarryOverKind.CONTINUING and commitment is None
        error.detail.setdefault("field", "kind" if about_kind else "commitment")
        raise


@require_http_methods(["GET", "POST"])
def carry_over(request: TenantRequest, gov_code: str, line_id: int) -> HttpResponse:
    """이월 of part of a line into the next fiscal year (명시이월, 사고이월, 계속비이월)."""
    line = line_or_404(request, line_id)
    require(request.user, ALLOCATE, request.government)
    choices = _commitment_choices(line, request.POST.get("commitment", "") if request.method == "POST" else "")
    form = CarryOverForm(
        request.POST or None,
        commitments=choices,
        initial={"kind": CarryOverKind.ACCIDENT if choices else CarryOverKind.EXPLICIT},
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: _carry(line, d, actor=request.user, key=form.key),
            {"over_carry_over": "amount"},
        )
        if done is not None:
            messages.success(
                request,
                _("%(amount)s won are carried into %(next)s (%(kind)s) and deemed allocated there.")
                % {"amount": f"{done.amount:,}", "next": line.year + 1, "kind": done.get_kind_display()},
            )
            return redirect("execution:year_end", gov_code, line.year)
    carried = CarryOver.objects.filter(from_line=line).aggregate(s=Sum("amount"))["s"] or 0
    free = max(line.appropriation - line.committed - carried, 0)
    when = dates(line.year, clock.today())
    rules = [
        _(
            "Carry-overs from %(year)s are decided after the fiscal year has ended, from %(start)s to %(end)s, "
            "while the carried money can still be spent."
        )
        % {"year": line.year, "start": when["decide_from"].isoformat(), "end": when["decide_until"].isoformat()},
        _("사고이월: only the unpaid part of a commitment made in the year; choose the commitment (지방재정법 §50)."),
        _("명시이월: an item the council approved in the budget as 명시이월비; the reason is recorded."),
        _("계속비이월: only for a project with a continuing expenditure (계속비) that runs into %(next)s.")
        % {"next": line.year + 1},
        _(
            "Without a commitment the line can carry at most its appropriation less what is committed and what "
            "was carried already: %(free)s won now."
        )
        % {"free": f"{free:,}"},
        _("The carried amount is added to the %(next)s line and deemed allocated there.") % {"next": line.year + 1},
    ]
    if when["stage"] == "running":
        rules.insert(
            0,
            _("Today is %(today)s: %(year)s has not ended yet, so a carry-over would be refused.")
            % {"today": when["today"].isoformat(), "year": line.year},
        )
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": line.year,
            "line": line,
            "row": table.row(line, object_names(line.year)),
            "form": form,
            "title": _("Carry into the next year (이월)"),
            "submit_label": _("Carry over"),
            "rules": rules,
        },
    )


@require_POST
def provisional(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """준예산 (R-BP-11): the budget office starts it from the empty execution table of a year whose budget is not
    confirmed on 1 January; the refusal (before 1 January, once confirmed, a second time) is shown there."""
    government = request.government
    require(request.user, ALLOCATE, government)
    year = year_or_404(year)
    try:
        lines = appropriations.do_start_provisional(government, year, actor=request.user)
    except LofinError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The provisional budget (준예산) of %(year)s runs %(n)d lines at last year's level.")
            % {"year": year, "n": lines},
        )
    return redirect("execution:dashboard", government.code, year)
