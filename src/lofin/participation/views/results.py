"""The count on screen: the public results with their explanations and overrides; in the workspace, the officials'
count by the cycle's rule, their overrides with the published reason, and the election as pabulib (.pb)."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lofin.core import idempotency
from lofin.core.http import TenantRequest
from lofin.core.permissions import VIEW_WORKSPACE, require
from lofin.core.submit import submit
from lofin.core.types import is_ascii_digits

from ..access import MANAGE
from ..actions import results as actions
from ..errors import BallotsSealed
from ..forms import OverrideForm, SimpleForm
from ..models import Cycle, Override, Proposal, ProposalStatus
from ..queries import ballots, cycles, pabulib
from ..queries import results as queries
from ..rules.ballots import ON_BALLOT_STATUSES
from .common import (
    form_request,
    government_or_404,
    lock_cycle,
    once_on_cycle,
    public_context,
    public_cycle,
    refusal_to_messages,
    verdict_message,
    workspace_context,
)

SELECTED = (ProposalStatus.SELECTED, ProposalStatus.ADOPTED, ProposalStatus.IN_EXECUTION)


def results_context(cycle: Cycle) -> dict[str, object]:
    names = {p.pk: p for p in Proposal.objects.filter(cycle=cycle, status__in=ON_BALLOT_STATUSES)}
    results = []
    for result in queries.current_results(cycle):
        projects = result.explanation.get("projects", {})
        rows = [
            {"proposal": names[int(pid)], "detail": detail, "message": verdict_message(detail)}
            for pid, detail in projects.items()
            if is_ascii_digits(str(pid)) and int(pid) in names
        ]
        rows.sort(key=lambda r: (not r["detail"].get("selected"), r["proposal"].number))
        results.append({"result": result, "rows": rows})
    return {
        "results": results,
        "overrides": queries.overrides(cycle),
        "turnout": ballots.turnout(cycle),
        "selected": [p for p in names.values() if p.status in SELECTED],
    }


def _receipt_check(cycle: Cycle, code: str) -> dict[str, object]:
    """What the results page says of a receipt code: sealed before the count, then the counted ballot's choices or
    that no counted ballot has the code."""
    try:
        choices = ballots.check_receipt(cycle, code)
    except BallotsSealed:
        return {"state": "sealed"}
    if choices is None:
        return {"state": "unknown"}
    names = {p.pk: p for p in Proposal.objects.filter(cycle=cycle, pk__in=choices)}
    return {"state": "counted", "proposals": [names[pk] for pk in choices if pk in names]}


@require_http_methods(["GET", "POST"])
def results(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    """The published result; a receipt code sent here (POST, so that it stays out of addresses and logs) is checked
    against the counted ballots."""
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    ctx = public_context(request, government, cycle, **results_context(cycle))
    ctx["my_ballot"] = ballots.roll_entry(cycle, request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        ctx["receipt_check"] = _receipt_check(cycle, str(request.POST.get("receipt", ""))[:40])
    return render(request, "participation/results.html", ctx)


@require_POST
def count(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """Run the tally by the cycle's rule; the proposals' statuses follow the result."""
    c = cycles.cycle(request.government, cycle_id)
    form = SimpleForm(request.POST)

    def call() -> Cycle:
        actions.do_compute_result(c, actor=request.user)
        return Cycle.objects.get(pk=c.pk)

    done = submit(
        form,
        lambda d: once_on_cycle(request, form, c, "count", d, call),
    )
    if done is not None:
        messages.success(request, _("The vote is counted by the rule: %(rule)s.") % {"rule": done.get_rule_display()})
    else:
        refusal_to_messages(request, form)
    return redirect("participation_admin:cycle", gov_code, c.pk)


@require_http_methods(["GET", "POST"])
def override(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    c = cycles.cycle(request.government, cycle_id)
    require(request.user, MANAGE, request.government)
    candidates = list(
        Proposal.objects.filter(cycle=c, status__in=[ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED]).order_by(
            "number"
        )
    )
    form = OverrideForm(request.POST or None, proposals=[(str(p.pk), str(p)) for p in candidates])
    if request.method == "POST":
        done = submit(
            form,
            lambda d: idempotency.once_per_form(
                scope="participation",
                government_id=c.government_id,
                actor=request.user,
                form_key=form.key,
                kind="override",
                values=form_request(d, cycle=c.pk),
                lock=lock_cycle(c.pk),
                call=lambda: actions.do_override(
                    c,
                    proposal=next(p for p in candidates if str(p.pk) == d["proposal"]),
                    action=d["action"],
                    reason=d["reason"],
                    actor=request.user,
                ),
                load=lambda pk: Override.objects.get(pk=pk),
            ),
        )
        if done is not None:
            messages.success(request, _("The result is changed; the reason is published with it."))
            return redirect("participation_admin:cycle", gov_code, c.pk)
    return render(
        request,
        "participation/admin/override.html",
        workspace_context(request, cycle=c, form=form),
        status=400 if form.is_bound else 200,
    )


@require_GET
def export_pb(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """The counted election in the pabulib .pb format (one file, or a zip of one per district with its own amount);
    refused before the count (`BallotsSealed`, 409)."""
    require(request.user, VIEW_WORKSPACE, request.government)
    c = cycles.cycle(request.government, cycle_id)
    files = pabulib.export_pb(c)
    if len(files) == 1:
        name, text = files[0]
        response = HttpResponse(text.encode(), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files:
            archive.writestr(name, text)
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="korea_{c.government.code}_{c.year}_{c.pk}.zip"'
    return response
