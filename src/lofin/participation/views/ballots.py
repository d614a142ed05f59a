"""The ballot of each kind (approval, k-approval, knapsack, cumulative points, ranked), its receipt, and "my vote":
what I chose and why each of those projects won or lost. The page works without a script; the script only shows
the running count, total or points left, and moves ranked projects with buttons (never by dragging alone). And
the officials' fast entry of paper and in-person ballots at the polling station."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.core.errors import InvalidInput, LofinError
from lofin.core.http import TenantRequest
from lofin.core.models import User
from lofin.core.permissions import require
from lofin.core.submit import submit
from lofin.core.types import is_ascii_digits

from ..access import ENTER_BALLOTS, PARTICIPATE
from ..actions import ballots as actions
from ..forms import PaperVoterForm, SimpleForm, parse_ballot
from ..models import BallotKind, Cycle, PhaseKind, Proposal, ProposalStatus
from ..queries import ballots, cycles
from ..queries import results as result_queries
from ..rules.ballots import validate_ballot
from .common import government_or_404, public_context, public_cycle, verdict_message, workspace_context


def receipt_key(cycle: Cycle) -> str:
    return f"participation-receipt-{cycle.pk}"


class _Confirm(Exception):
    """The ballot is valid: show it back to the voter before it is cast."""


def _chosen_rows(proposals: list[dict[str, Any]], chosen: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {r["p"].pk: r for r in proposals}
    if chosen.get("points"):
        return [{**by_id[i], "points": n} for i, n in chosen["points"].items() if i in by_id]
    ids = chosen.get("ranking") or chosen.get("approvals") or []
    return [by_id[i] for i in ids if i in by_id]


def ballot_rows(cycle: Cycle) -> dict[str, Any]:
    """The projects on the ballot and the amounts each group of them shares (the page's running totals)."""
    spec, costs, groups, budgets = ballots.ballot_context(cycle)
    proposals = list(
        Proposal.objects.filter(pk__in=costs, status=ProposalStatus.ON_BALLOT)
        .select_related("district")
        .order_by("number")
    )
    names = {d.pk: d.name for d in cycles.districts(cycle)}
    return {
        "spec": spec,
        "proposals": [{"p": p, "cost": costs[p.pk], "group": groups.get(p.pk)} for p in proposals],
        "budgets": [
            {"group": "" if g is None else g, "name": "" if g is None else names.get(g, ""), "amount": amount}
            for g, amount in budgets.items()
        ],
        "needs_budget": cycle.ballot_kind == BallotKind.KNAPSACK,
    }


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    cycle = public_cycle(government, cycle_id, request)
    form = SimpleForm(request.POST or None)
    rows = ballot_rows(cycle)
    error = None
    chosen: dict[str, Any] = {"approvals": [], "points": {}, "ranking": []}
    existing = ballots.roll_entry(cycle, user)
    confirming = False
    if request.method == "POST" and form.is_valid():
        kwargs, error = parse_ballot(cycle.ballot_kind, request.POST, [r["p"].pk for r in rows["proposals"]])
        chosen.update(kwargs)
        if error is None and request.POST.get("confirm") != "0":
            try:
                if request.POST.get("confirm") != "1":
                    # Checked here as the action will, so the confirmation shows only a ballot that counts.
                    spec, costs, groups, budgets = ballots.ballot_context(cycle)
                    validate_ballot(spec, costs=costs, budgets=budgets, groups=groups, **kwargs)
                    confirming = True
                    raise _Confirm
                ballot = actions.do_cast_ballot(cycle, actor=user, idempotency_key=form.key, **kwargs)
            except _Confirm:
                pass
            except LofinError as refusal:
                if refusal.status == 404:
                    raise
                error = str(refusal.message)
            else:
                # The receipt code is shown once, on the next page, and never put in an address (logs, history). A
                # replayed submission (a double click) has no code and leaves the first one's in place.
                if ballot.receipt:
                    request.session[receipt_key(cycle)] = ballot.receipt
                return redirect(reverse("participation:my_vote", args=[government.code, cycle.pk]))
    if error and existing is not None:
        # The page shows the vote already cast, not the ballot: the refusal is said above it.
        messages.error(request, error)
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
        public_context(
            request,
            government,
            cycle,
            **rows,
            form=form,
            error=error,
            confirming=confirming,
            chosen_rows=_chosen_rows(rows["proposals"], chosen) if confirming else [],
            chosen=chosen,
            existing=existing,
            open=cycle.phase == PhaseKind.VOTING,
        ),
        status=400 if error else 200,
    )


@require_GET
def my_vote(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    """The receipt of my ballot and, once counted, why each project I chose won or lost."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    cycle = public_cycle(government, cycle_id, request)
    entry = ballots.roll_entry(cycle, user)
    ballot = ballots.my_ballot(cycle, user) if entry is not None else None
    choices = list(ballot.choices.select_related("proposal").order_by("rank", "proposal__number")) if ballot else []
    explanation: list[dict[str, Any]] = []
    counted = result_queries.is_counted(cycle)
    if ballot is not None and counted:
        proposals = {p.pk: p for p in Proposal.objects.filter(cycle=cycle)}
        by_project = {result_queries.project_id(p.number): p for p in proposals.values()}
        for group in result_queries.voter_explanation(cycle, user):
            detail = group.explanation
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
            explanation.append({"district": group.district, "detail": detail, "rows": rows})
    return render(
        request,
        "participation/my_vote.html",
        public_context(
            request,
            government,
            cycle,
            entry=entry,
            ballot=ballot,
            choices=choices,
            receipt=request.session.pop(receipt_key(cycle), None) if entry is not None else None,
            counted=counted,
            explanation=explanation,
            replaced=ballots.roll_entry(cycle, user, active=False),
        ),
    )


def paper_choices(kind: str, text: str, numbers: dict[int, int]) -> dict[str, Any]:
    """Project numbers as typed from the paper: "1 3 4" (in order of preference on ranked ballots), or
    "1:3 4:2" (project:points) on cumulative ballots."""
    tokens = text.replace(",", " ").split()
    if not tokens:
        raise InvalidInput(_("Type the numbers of the projects marked on the paper."), field="choices")
    if kind == BallotKind.CUMULATIVE:
        points: dict[int, int] = {}
        for token in tokens:
            number, _sep, value = token.partition(":")
            if not (is_ascii_digits(number) and is_ascii_digits(value)) or int(number) not in numbers:
                raise InvalidInput(_("Write each project as number:points, for example 3:2."), field="choices")
            points[numbers[int(number)]] = int(value)
        return {"points": points}
    ids = []
    for token in tokens:
        if not is_ascii_digits(token) or int(token) not in numbers:
            raise InvalidInput(_("No project on the ballot has the number %(n)s.") % {"n": token}, field="choices")
        ids.append(numbers[int(token)])
    return {"ranking": ids} if kind == BallotKind.RANKED else {"approvals": ids}


@require_http_methods(["GET", "POST"])
def paper_ballot(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """A fast keyboard form for the polling station: the voter's identity from the ID card, then the numbers of
    the projects marked. A person's online ballot is replaced, and the page says so."""
    government = request.government
    require(request.user, ENTER_BALLOTS, government)
    cycle = cycles.cycle(government, cycle_id)
    rows = ballot_rows(cycle)
    numbers = {r["p"].number: r["p"].pk for r in rows["proposals"]}
    form = PaperVoterForm(request.POST or None)
    form.fields["choices"] = django_forms.CharField(
        label=_("Projects marked (numbers)"),
        help_text=_("Numbers separated by spaces; on ranked ballots in order of preference; cumulative: 3:2 4:1."),
        max_length=400,
    )
    entered = None
    if request.method == "POST":
        entered = submit(
            form,
            lambda d: actions.do_enter_paper_ballot(
                cycle,
                name=d["name"],
                birth_date=d["birth_date"],
                sex_digit=d["sex_digit"],
                channel=d["channel"],
                idempotency_key=form.key,
                actor=request.user,
                **paper_choices(cycle.ballot_kind, d["choices"], numbers),
            ),
            {"invalid_ballot": "choices", "already_voted": "name", "not_eligible": "birth_date"},
        )
        if entered is not None:
            if entered.replaced_on is not None:
                messages.warning(
                    request,
                    _(
                        "The ballot is entered. It replaced the person's online ballot of %(day)s, which is no "
                        "longer counted."
                    )
                    % {"day": entered.replaced_on.isoformat()},
                )
            else:
                messages.success(request, _("The ballot is entered."))
            return redirect("participation_admin:paper", government.code, cycle.pk)
    return render(
        request,
        "participation/admin/paper.html",
        workspace_context(request, cycle=cycle, form=form, **rows, turnout=ballots.turnout(cycle)),
        status=400 if form.is_bound else 200,
    )
