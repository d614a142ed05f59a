"""The ballot of each kind (approval, k-approval, knapsack, cumulative points, ranked), its receipt, and "my vote":
what I chose and why each of those projects won or lost. The page works without a script; the script only shows
the running count, total or points left, and moves ranked projects with buttons (never by dragging alone)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from lofin.core.errors import LofinError
from lofin.core.permissions import require

from .. import queries, rules, tally
from .. import vote_actions as va
from ..access import PARTICIPATE
from ..forms import SimpleForm, parse_ballot
from ..models import BallotKind, District, PhaseKind, Proposal, ProposalStatus, Result
from .common import abilities, government_or_404, public_cycle, verdict_message


class _Confirm(Exception):
    """The ballot is valid: show it back to the voter before it is cast."""


def _chosen_rows(proposals: list[dict[str, Any]], chosen: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {r["p"].pk: r for r in proposals}
    if chosen.get("points"):
        return [{**by_id[i], "points": n} for i, n in chosen["points"].items() if i in by_id]
    ids = chosen.get("ranking") or chosen.get("approvals") or []
    return [by_id[i] for i in ids if i in by_id]


def ballot_rows(cycle: Any) -> dict[str, Any]:
    """The projects on the ballot and the amounts each group of them shares (the page's running totals)."""
    spec, costs, groups, budgets = va.ballot_context(cycle)
    proposals = list(
        Proposal.objects.filter(pk__in=costs, status=ProposalStatus.ON_BALLOT)
        .select_related("district")
        .order_by("number")
    )
    names = {d.pk: d.name for d in District.objects.filter(cycle=cycle)}
    return {
        "spec": spec,
        "proposals": [{"p": p, "cost": costs[p.pk], "group": groups.get(p.pk)} for p in proposals],
        "budgets": [
            {"group": "" if g is None else g, "name": names.get(g, ""), "amount": amount}
            for g, amount in budgets.items()
        ],
        "needs_budget": cycle.ballot_kind == BallotKind.KNAPSACK,
    }


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    cycle = public_cycle(government, cycle_id, request)
    form = SimpleForm(request.POST or None)
    rows = ballot_rows(cycle)
    error = None
    chosen: dict[str, Any] = {"approvals": [], "points": {}, "ranking": []}
    existing = queries.my_ballot(cycle, request.user)
    confirming = False
    if request.method == "POST" and form.is_valid():
        kwargs, error = parse_ballot(cycle.ballot_kind, request.POST, [r["p"].pk for r in rows["proposals"]])
        chosen.update(kwargs)
        if error is None and request.POST.get("confirm") != "0":
            try:
                if request.POST.get("confirm") != "1":
                    # Checked here as the action will, so the confirmation shows only a ballot that counts.
                    spec, costs, groups, budgets = va.ballot_context(cycle)
                    rules.validate_ballot(spec, costs=costs, budgets=budgets, groups=groups, **kwargs)
                    confirming = True
                    raise _Confirm
                ballot = va.do_cast_ballot(cycle, actor=request.user, idempotency_key=form.key, **kwargs)
            except _Confirm:
                pass
            except LofinError as refusal:
                if refusal.status == 404:
                    raise
                error = str(refusal.message)
            else:
                url = reverse("participation:my_vote", args=[government.code, cycle.pk])
                return redirect(f"{url}?receipt={ballot.pk}")
    picked = set(chosen["approvals"]) | set(chosen["ranking"])
    for r in rows["proposals"]:
        r["checked"] = r["p"].pk in picked
        r["points"] = chosen["points"].get(r["p"].pk, "")
    if rows["proposals"] and cycle.ballot_kind == BallotKind.RANKED and chosen["ranking"]:
        order = {pid: i for i, pid in enumerate(chosen["ranking"])}
        rows["proposals"].sort(key=lambda r: (order.get(r["p"].pk, len(order)), r["p"].number))
    return render(
        request,
        "participation/vote.html",
        {
            "government": government,
            "cycle": cycle,
            **abilities(request, government),
            **rows,
            "form": form,
            "error": error,
            "confirming": confirming,
            "chosen_rows": _chosen_rows(rows["proposals"], chosen) if confirming else [],
            "chosen": chosen,
            "existing": existing,
            "open": cycle.phase == PhaseKind.VOTING,
        },
        status=400 if error else 200,
    )


@require_GET
def my_vote(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    """The receipt of my ballot and, once counted, why each project I chose won or lost."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    cycle = public_cycle(government, cycle_id, request)
    ballot = queries.my_ballot(cycle, request.user)
    choices = list(ballot.choices.select_related("proposal").order_by("rank", "id")) if ballot else []
    explanation: list[dict[str, Any]] = []
    counted = Result.objects.filter(cycle=cycle, is_current=True).exists()
    if ballot is not None and counted:
        proposals = {p.pk: p for p in Proposal.objects.filter(cycle=cycle)}
        by_project = {tally.project_id(p.number): p for p in proposals.values()}
        for group in tally.voter_explanation(cycle, request.user):
            detail = group["explanation"]
            rows = []
            for verdict in detail.get("projects", []):
                rows.append(
                    {
                        "proposal": by_project.get(verdict.get("project")),
                        "won": verdict.get("won"),
                        "message": verdict_message(verdict),
                        "paid": verdict.get("paid"),
                    }
                )
            explanation.append({"district": group["district"], "detail": detail, "rows": rows})
    replaced = None
    if (person := queries.resident(government, request.user)) is not None:
        from ..models import Ballot

        replaced = Ballot.objects.filter(cycle=cycle, voter_key=person.identity_hash, is_active=False).first()
    return render(
        request,
        "participation/my_vote.html",
        {
            "government": government,
            "cycle": cycle,
            **abilities(request, government),
            "ballot": ballot,
            "choices": choices,
            "receipt": request.GET.get("receipt") == str(ballot.pk) if ballot else False,
            "counted": counted,
            "explanation": explanation,
            "replaced": replaced,
        },
    )
