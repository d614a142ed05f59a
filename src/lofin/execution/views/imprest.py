"""일상경비: the year's advances to 출납원, an advance against the 재무관's commitment to a cashier, and settling it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.core import fiscal
from lofin.core.http import TenantRequest
from lofin.core.permissions import require
from lofin.core.types import year_or_404

from ..access import PAY, VIEW
from ..actions import imprest
from ..forms import IMPREST_LABELS, ImprestForm, SettleForm
from ..models import Commitment, CommitmentStatus, OfficeKind
from ..queries import dashboard as table
from ..queries.appropriations import object_names
from ..queries.imprest import imprests
from ..queries.offices import cashiers as cashiers_of
from ..rules.imprest import IMPREST_CAPS
from ..rules.payments import normalize_name
from .common import abilities, commitment_or_404, imprest_or_404, office_choices, office_or_404, submit


def _caps() -> list[tuple[str, int | None]]:
    return [(str(IMPREST_LABELS[kind]), cap) for kind, cap in IMPREST_CAPS.items()]


@require_GET
def imprest_page(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    year = year_or_404(year)
    advances = list(imprests(government, year).select_related("line__account", "line__project"))
    cashiers = cashiers_of(government)
    # Commitments the 재무관 made to a cashier (the creditor is the cashier), still to be advanced.
    waiting = (
        Commitment.objects.filter(
            government=government,
            line__year=year,
            status=CommitmentStatus.ACTIVE,
            amount__gt=F("paid_amount"),
            creditor__in=[u.username for u in cashiers],
        )
        .select_related("line__account", "line__project")
        .order_by("committed_on", "pk")[:200]
    )
    context = {
        "government": government,
        "year": year,
        "advances": [(a, IMPREST_LABELS.get(a.kind, a.kind)) for a in advances],
        "waiting": [(c, c.amount - c.paid_amount) for c in waiting],
        "caps": _caps(),
        "return_by": fiscal.exception_deadline(year),
        **abilities(request),
    }
    return render(request, "execution/imprest.html", context)


@require_http_methods(["GET", "POST"])
def advance(request: TenantRequest, gov_code: str, commitment_id: int) -> HttpResponse:
    """The 지출원 advances 일상경비 to the cashier the 재무관 committed it to (two people act, R-EX-3)."""
    commitment = commitment_or_404(request, commitment_id)
    require(request.user, PAY, request.government)
    line = commitment.line
    cashiers = cashiers_of(request.government)
    kinds = (OfficeKind.DISBURSING,)
    offices = office_choices(request.government, line.year, kinds)
    named = next((u for u in cashiers if normalize_name(u.username) == normalize_name(commitment.creditor)), None)
    unpaid = commitment.amount - commitment.paid_amount
    form = ImprestForm(
        request.POST or None,
        cashiers=[(u.username, u.display_name or u.username) for u in cashiers],
        offices=offices,
        initial={
            "cashier": named.username if named else "",
            "amount": f"{unpaid:,}" if unpaid > 0 else "",
            "office": offices[0][0] if len(offices) == 1 else "",
        },
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: imprest.do_advance_imprest(
                commitment,
                cashier=next(u for u in cashiers if u.username == d["cashier"]),
                kind=d["kind"],
                amount=d["amount"],
                office=office_or_404(request.government, line.year, d["office"], kinds),
                payee_bank=d["payee_bank"],
                payee_account=d["payee_account"],
                on=d["advanced_on"],
                actor=request.user,
                idempotency_key=form.key,
            ),
            {"execution_rule": "amount", "payee_mismatch": "cashier", "closed_period": "advanced_on"},
        )
        if done is not None:
            messages.success(
                request,
                _("%(amount)s won are advanced to %(cashier)s (payment order %(number)s).")
                % {"amount": f"{done.amount:,}", "cashier": done.cashier.username, "number": done.payment.number},
            )
            return redirect("execution:imprest", gov_code, line.year)
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": line.year,
            "line": line,
            "row": table.row(line, object_names(line.year)),
            "commitment": commitment,
            "unpaid": unpaid,
            "form": form,
            "title": _("Advance 일상경비 to a cashier"),
            "submit_label": _("Advance"),
            "unavailable": _advance_unavailable(commitment, unpaid, cashiers, offices),
            "rules": _advance_rules(line.year),
        },
    )


def _advance_unavailable(commitment: Commitment, unpaid: int, cashiers: list[Any], offices: list[Any]) -> str | None:
    if commitment.status != CommitmentStatus.ACTIVE or unpaid <= 0:
        return _("Nothing remains to be paid on this commitment.")
    if not cashiers:
        return _("This government has no cashier (출납원) to advance to.")
    if not offices:
        return _("No disbursing office (지출원) is set up for this year; the budget office creates it first.")
    return None


def _advance_rules(year: int) -> list[str]:
    caps = ", ".join(
        _("%(kind)s %(cap)s won") % {"kind": label, "cap": f"{cap:,}"} for label, cap in _caps() if cap is not None
    )
    return [
        _("Caps per advance (지방회계법 시행령 §38): %(caps)s; other listed expenses as needed.") % {"caps": caps},
        _("The commitment's creditor is the cashier, and someone other than the finance officer orders the payment."),
        _("Unused money comes back by %(day)s (지방회계법 §7②).")
        % {"day": fiscal.exception_deadline(year).isoformat()},
    ]


@require_http_methods(["GET", "POST"])
def settle(request: TenantRequest, gov_code: str, advance_id: int) -> HttpResponse:
    """정산: what the cashier spent and what came back unused."""
    advance = imprest_or_404(request, advance_id)
    require(request.user, PAY, request.government)
    line = advance.line
    form = SettleForm(request.POST or None, initial={"spent": f"{advance.amount:,}", "returned": "0"})
    if request.method == "POST":
        done = submit(
            form,
            lambda d: imprest.do_settle_imprest(
                advance, spent=d["spent"], returned=d["returned"], returned_on=d["returned_on"], actor=request.user
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("The advance is settled: %(spent)s won spent, %(returned)s won returned.")
                % {"spent": f"{done.spent_amount:,}", "returned": f"{done.returned_amount:,}"},
            )
            return redirect("execution:imprest", gov_code, line.year)
    deadline = fiscal.exception_deadline(advance.payment.fiscal_year)
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": line.year,
            "advance": advance,
            "advance_kind": IMPREST_LABELS.get(advance.kind, advance.kind),
            "form": form,
            "title": _("Settle an imprest advance (정산)"),
            "submit_label": _("Settle"),
            "back": ("execution:imprest", _("Imprest (일상경비)")),
            "unavailable": None if advance.status == "open" else _("This advance has already been settled."),
            "rules": [
                _("Spent and returned money add up to the advance: %(amount)s won.")
                % {"amount": f"{advance.amount:,}"},
                _(
                    "Money returned by %(day)s restores the line of %(year)s; later it is revenue of the year it "
                    "arrives in, and the return is recorded as late."
                )
                % {"day": deadline.isoformat(), "year": advance.payment.fiscal_year},
            ],
        },
    )
