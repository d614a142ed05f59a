"""전용·이용·이체·예비비 사용: the year's requests and the form that puts one on its approval line."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.core.approvals import queries as approval_queries
from lofin.core.errors import InvalidInput
from lofin.core.http import TenantRequest
from lofin.core.models import User
from lofin.core.permissions import require
from lofin.core.types import year_or_404

from ..access import TRANSFER, VIEW
from ..actions import transfers as actions
from ..forms import TransferForm
from ..models import BudgetLine
from ..queries import dashboard as table
from ..queries import transfers as queries
from ..queries.appropriations import line_code, object_names
from ..rules.transfers import DOC_KINDS
from .common import abilities, line_or_404, submit

# Suggestions for the target line's code; a government with more lines types the code.
MAX_SUGGESTIONS = 2000


@require_GET
def transfers_page(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    transfers = list(queries.transfers(government, year).select_related("approval").reverse()[:500])
    context = {
        "government": government,
        "year": year,
        "transfers": [(t, line_code(t.from_line), line_code(t.to_line)) for t in transfers],
        "quarters": (1, 2, 3, 4),
        **abilities(request),
    }
    return render(request, "execution/transfers.html", context)


def _target(source: BudgetLine, code: str) -> BudgetLine:
    """A line of the same government and year by its code 회계-세부사업-통계목 (the 통계목 has a hyphen itself)."""
    parts = code.strip().split("-", 2)
    line = None
    if len(parts) == 3:
        line = (
            BudgetLine.objects.select_related("account", "project")
            .filter(
                government_id=source.government_id,
                year=source.year,
                account__code=parts[0],
                project__code=parts[1],
                object_code=parts[2],
            )
            .first()
        )
    if line is None:
        raise InvalidInput(
            _("There is no line %(code)s in %(year)s.") % {"code": code.strip(), "year": source.year}, field="to_line"
        )
    return line


def _approval_line(request: TenantRequest, kind: str, amount: int) -> list[tuple[str, Any]]:
    """The usual approval line from the organisation chart for this kind and amount (위임전결)."""
    planned = approval_queries.default_line(request.government, request.user, doc_kind=DOC_KINDS[kind], amount=amount)
    people = {u.pk: u for u in User.objects.filter(pk__in=[s.assignee_id for s in planned[1:]])}
    return [(s.kind, people[s.assignee_id]) for s in planned[1:] if s.assignee_id in people]


@require_http_methods(["GET", "POST"])
def request_transfer(request: TenantRequest, gov_code: str, line_id: int) -> HttpResponse:
    source = line_or_404(request, line_id)
    require(request.user, TRANSFER, request.government)
    form = TransferForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: actions.do_request_transfer(
                d["kind"],
                from_line=source,
                to_line=_target(source, d["to_line"]),
                amount=d["amount"],
                reason=d["reason"],
                urgent_disaster=d["urgent_disaster"],
                legal_basis=d["legal_basis"],
                line=_approval_line(request, d["kind"], d["amount"]),
                actor=request.user,
                idempotency_key=form.key,
            ),
            {"invalid_approval_line": ""},
        )
        if done is not None:
            messages.success(
                request,
                _("The request to move %(amount)s won is on its approval line.") % {"amount": f"{done.amount:,}"},
            )
            return redirect("execution:transfers", gov_code, source.year)
    suggestions = (
        BudgetLine.objects.filter(government=request.government, year=source.year)
        .exclude(pk=source.pk)
        .select_related("account", "project")
        .order_by("account__code", "project__code", "object_code")[:MAX_SUGGESTIONS]
    )
    names = object_names(source.year)
    row = table.row(source, names)
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": source.year,
            "line": source,
            "row": row,
            "form": form,
            "title": _("Request a transfer from this line (전용·이용·이체·예비비 사용)"),
            "submit_label": _("Send for approval"),
            "suggestions": [
                (line_code(t), f"{t.project.name} / {names.get(t.object_code, t.object_code)}") for t in suggestions
            ],
            "note": _("The request goes on the usual approval line of your department for this kind and amount."),
            "movable": row["unallocated"],
        },
    )
