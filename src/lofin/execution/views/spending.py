"""Expenditure screens: the execution table, one line, 예산배정, 지출원인행위, 지급명령, cancellation, 자금배정."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.budget.models import Account
from lofin.core import clock
from lofin.core.errors import NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import Department
from lofin.core.permissions import require
from lofin.core.types import year_or_404

from ..access import ALLOCATE, CASH, COMMIT, PAY, VIEW
from ..actions import appropriations, commitments, payments
from ..actions import offices as office_actions
from ..forms import WITHHOLDING_KINDS, AllocateForm, AssignmentForm, CancelForm, CashForm, CommitForm, PaymentForm
from ..models import BudgetLine, CommitmentStatus, ExpenditureResolution, Office, OfficeKind, PaymentOrder, Transfer
from ..queries import dashboard as table
from ..queries.appropriations import object_names
from .common import (
    abilities,
    commitment_or_404,
    line_or_404,
    office_choices,
    office_or_404,
    optional_office_or_404,
    submit,
)
from .resolutions import open_resolutions, resolution_choices

PAGE_SIZE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _line_url(line: BudgetLine) -> str:
    return reverse("execution:line", args=[line.government.code, line.pk])


@require_GET
def home(request: TenantRequest, gov_code: str) -> HttpResponse:
    """The current fiscal year if it is executed, else the latest year that is."""
    years = table.years(request.government)
    today = clock.today().year
    year = today if today in years or not years else years[0]
    return redirect("execution:dashboard", gov_code, year)


@require_GET
def dashboard(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    filters = table.Filters.from_query(request.GET)
    lines = table.lines(government, year, filters)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "government": government,
        "year": year,
        "years": table.years(government),
        "filters": filters,
        "query": filters.as_query(),
        "page": page,
        "rows": table.rows(page.object_list, year),
        "totals": table.totals(lines),
        "accounts": Account.objects.filter(government=government).order_by("code"),
        "departments": Department.objects.filter(government=government, is_active=True).order_by("code"),
        **abilities(request),
    }
    template = "execution/dashboard.html"
    if getattr(request, "htmx", False):
        template += "#lines"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    patch_cache_control(response, private=True)
    return response


@require_GET
def download(request: TenantRequest, gov_code: str, year: int, fmt: str) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    lines = table.lines(government, year, table.Filters.from_query(request.GET))
    if fmt == "xlsx":
        title = _("%(government)s · execution of %(year)s (won)") % {"government": government.name, "year": year}
        response = HttpResponse(table.xlsx_bytes(lines, year, title), content_type=XLSX_TYPE)
    elif fmt == "csv":
        response = HttpResponse(table.csv_bytes(lines, year), content_type="text/csv; charset=utf-8")
    else:
        raise NotFound()
    response["Content-Disposition"] = f'attachment; filename="execution-{government.code}-{year}.{fmt}"'
    patch_cache_control(response, private=True)
    return response


@require_GET
def line_detail(request: TenantRequest, gov_code: str, line_id: int) -> HttpResponse:
    line = line_or_404(request, line_id)
    require(request.user, VIEW, request.government)
    names = object_names(line.year)
    labels = dict(WITHHOLDING_KINDS)
    commitments = list(line.commitments.select_related("committed_by", "office").order_by("-committed_on", "-pk")[:500])
    payments = (
        PaymentOrder.objects.filter(commitment__line=line)
        .select_related("commitment", "office", "issued_by")
        .prefetch_related("withholdings")
        .order_by("-issued_on", "-pk")[:500]
    )
    transfers = (
        Transfer.objects.filter(Q(from_line=line) | Q(to_line=line))
        .select_related("from_line__account", "from_line__project", "to_line__account", "to_line__project")
        .order_by("-requested_on", "-pk")[:200]
    )
    context = {
        "government": request.government,
        "year": line.year,
        "line": line,
        "row": table.row(line, names),
        "allocations": line.allocations.select_related("created_by").order_by("-created_at", "-pk")[:200],
        "commitments": [(c, c.amount - c.paid_amount) for c in commitments],
        "payments": [(p, [(labels.get(w.kind, w.kind), w.amount) for w in p.withholdings.all()]) for p in payments],
        "transfers": transfers,
        "sub_allocations": line.sub_allocations.select_related("office").order_by("office__code"),
        "resolutions": ExpenditureResolution.objects.filter(commitment__line=line)
        .select_related("commitment", "resolved_by")
        .order_by("-resolved_on", "-pk")[:200],
        **abilities(request),
    }
    return render(request, "execution/line.html", context)


def _form_page(request: TenantRequest, template: str, **context: Any) -> HttpResponse:
    context.setdefault("government", request.government)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def allocate(request: TenantRequest, gov_code: str, line_id: int) -> HttpResponse:
    line = line_or_404(request, line_id)
    require(request.user, ALLOCATE, request.government)
    form = AllocateForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: appropriations.do_allocate_from_form(
                line, amount=d["amount"], kind=d["kind"], period=d["period"], actor=request.user, form_key=form.key
            ),
        )
        if done is not None:
            messages.success(request, _("%(amount)s won are allocated.") % {"amount": f"{done.amount:,}"})
            return redirect(_line_url(line))
    return _form_page(
        request,
        "execution/form.html",
        year=line.year,
        line=line,
        form=form,
        title=_("Allocate the budget (예산배정)"),
        submit_label=_("Allocate"),
        row=table.row(line, object_names(line.year)),
    )


@require_http_methods(["GET", "POST"])
def commit(request: TenantRequest, gov_code: str, line_id: int) -> HttpResponse:
    line = line_or_404(request, line_id)
    require(request.user, COMMIT, request.government)
    kinds = (OfficeKind.FINANCE, OfficeKind.SUB_FINANCE)
    form = CommitForm(request.POST or None, offices=office_choices(request.government, line.year, kinds))
    if request.method == "POST":
        done = submit(
            form,
            lambda d: commitments.do_commit(
                line,
                amount=d["amount"],
                creditor=d["creditor"],
                creditor_number=d["creditor_number"],
                purpose=d["purpose"],
                kind=d["kind"],
                office=optional_office_or_404(request.government, line.year, d["office"], kinds),
                committed_on=d["committed_on"],
                actor=request.user,
                idempotency_key=form.key,
            ),
            {"closed_period": "committed_on"},
        )
        if done is not None:
            messages.success(
                request,
                _("The commitment of %(amount)s won to %(creditor)s is recorded.")
                % {"amount": f"{done.amount:,}", "creditor": done.creditor},
            )
            return redirect(_line_url(line))
    return _form_page(
        request,
        "execution/form.html",
        year=line.year,
        line=line,
        form=form,
        title=_("Commit expenditure (지출원인행위)"),
        submit_label=_("Commit"),
        row=table.row(line, object_names(line.year)),
    )


@require_http_methods(["GET", "POST"])
def pay(request: TenantRequest, gov_code: str, commitment_id: int) -> HttpResponse:
    commitment = commitment_or_404(request, commitment_id)
    require(request.user, PAY, request.government)
    line = commitment.line
    kinds = (OfficeKind.DISBURSING,)
    offices = office_choices(request.government, line.year, kinds)
    unpaid = commitment.amount - commitment.paid_amount
    resolutions = open_resolutions(commitment, request.POST.get("resolution", "") if request.method == "POST" else "")
    only = resolutions[0] if len(resolutions) == 1 else None
    form = PaymentForm(
        request.POST or None,
        offices=offices,
        advance=commitment.kind == "advance",
        resolutions=resolution_choices(resolutions),
        initial={
            "amount": f"{only.remaining if only else unpaid:,}" if unpaid > 0 else "",
            "payee_name": commitment.creditor,
            "office": offices[0][0] if len(offices) == 1 else "",
            "resolution": str(only.pk) if only else "",
        },
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: payments.do_issue_payment(
                commitment,
                amount=d["amount"],
                payee_name=d["payee_name"],
                payee_number=d.get("payee_number") or "",
                drop_odd_won=bool(d.get("drop_odd_won")),
                payee_bank=d["payee_bank"],
                payee_account=d["payee_account"],
                office=office_or_404(request.government, line.year, d["office"], kinds),
                issued_on=d["issued_on"],
                withholdings=form.withholdings(),
                is_advance=bool(d.get("is_advance")),
                claimed_on=d.get("claimed_on"),
                head_approval=bool(d.get("head_approval")),
                resolution=next((r for r in resolutions if str(r.pk) == d.get("resolution")), None),
                actor=request.user,
                idempotency_key=form.key,
            ),
            {
                "closed_period": "issued_on",
                "withholdings": "wh_0_amount",
                "resolution_id": "resolution",
                "over_resolution": "resolution",
                "resolution_not_open": "resolution",
            },
        )
        if done is not None:
            messages.success(
                request,
                _("Payment order %(number)s of %(amount)s won (net %(net)s won) is issued.")
                % {"number": done.number, "amount": f"{done.amount:,}", "net": f"{done.net_amount:,}"},
            )
            return redirect(_line_url(line))
    return _form_page(
        request,
        "execution/pay.html",
        year=line.year,
        line=line,
        commitment=commitment,
        unpaid=unpaid,
        form=form,
        has_offices=bool(offices),
    )


@require_http_methods(["GET", "POST"])
def cancel(request: TenantRequest, gov_code: str, commitment_id: int) -> HttpResponse:
    commitment = commitment_or_404(request, commitment_id)
    require(request.user, COMMIT, request.government)
    line = commitment.line
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: commitments.do_cancel_commitment_from_form(
                commitment, reason=d["reason"], actor=request.user, form_key=form.key
            ),
            {"conflict": "reason"},
        )
        if done is not None:
            messages.success(request, _("The unpaid part of the commitment is released to the line."))
            return redirect(_line_url(line))
    return _form_page(
        request,
        "execution/form.html",
        year=line.year,
        line=line,
        commitment=commitment,
        form=form,
        title=_("Cancel a commitment"),
        submit_label=_("Cancel the commitment"),
        danger=True,
        row=table.row(line, object_names(line.year)),
        unpaid=commitment.amount - commitment.paid_amount,
        cancellable=commitment.status == CommitmentStatus.ACTIVE,
    )


@require_http_methods(["GET", "POST"])
def assign(request: TenantRequest, gov_code: str, commitment_id: int) -> HttpResponse:
    """채권양도: the 재무관 registers the assignee of a commitment's claim, whom the 지출원 may then pay (R-EX-4)."""
    commitment = commitment_or_404(request, commitment_id)
    require(request.user, COMMIT, request.government)
    line = commitment.line
    form = AssignmentForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: commitments.do_register_assignment(
                commitment,
                assignee=d["assignee"],
                assignee_number=d["assignee_number"],
                notified_on=d["notified_on"],
                actor=request.user,
            ),
            {"conflict": "assignee"},
        )
        if done is not None:
            messages.success(
                request, _("%(assignee)s is registered as the assignee of the claim.") % {"assignee": done.assignee}
            )
            return redirect(_line_url(line))
    return _form_page(
        request,
        "execution/form.html",
        year=line.year,
        line=line,
        commitment=commitment,
        form=form,
        title=_("Register the assignee of a claim (채권양도)"),
        submit_label=_("Register the assignee"),
        row=table.row(line, object_names(line.year)),
        unpaid=commitment.amount - commitment.paid_amount,
    )


@require_http_methods(["GET", "POST"])
def offices(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """The 관서 of the year with each 지출원's ceiling (지출한도); the budget office or a 재무관 allocates cash."""
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    posted_office = request.POST.get("office", "") if request.method == "POST" else ""
    forms: dict[int, CashForm] = {}
    rows = list(Office.objects.filter(government=government, year=year).order_by("kind", "code"))
    for office in rows:
        bound = request.method == "POST" and posted_office == str(office.pk)
        forms[office.pk] = CashForm(request.POST if bound else None, prefix=f"o{office.pk}")
    if request.method == "POST":
        require(request.user, CASH, government)
        posted = next((o for o in rows if str(o.pk) == posted_office), None)
        if posted is None:
            raise NotFound()
        form = forms[posted.pk]
        done = submit(
            form,
            lambda d: office_actions.do_allocate_cash_from_form(
                posted, amount=d["amount"], actor=request.user, form_key=form.key
            ),
            {"office": "amount"},
        )
        if done is not None:
            messages.success(
                request,
                _("The payment ceiling of %(office)s is now %(limit)s won.")
                % {"office": done.name, "limit": f"{done.limit_amount:,}"},
            )
            return redirect("execution:offices", gov_code, year)
    context = {
        "government": government,
        "year": year,
        "offices": [(o, forms[o.pk], o.limit_amount - o.paid_amount) for o in rows],
        **abilities(request),
    }
    return render(request, "execution/offices.html", context)
