"""Officials deciding on proposals: sending one to a department, the department's finding on feasibility and cost,
the committee's scores and shortlist — each with the reason the proposer reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core import idempotency
from lofin.core.http import TenantRequest
from lofin.core.models import Department
from lofin.core.permissions import require
from lofin.core.submit import KeyedForm, submit

from ..access import REVIEW
from ..actions import review as actions
from ..forms import ReviewForm, ScoreForm, ShortlistForm, SimpleForm
from ..models import CommitteeScore, DepartmentReview, Proposal, ProposalStatus
from ..queries import proposals
from .common import form_request, lock_cycle, refusal_to_messages, workspace_context

FORMS: dict[str, type[KeyedForm]] = {
    "start": SimpleForm,
    "review": ReviewForm,
    "score": ScoreForm,
    "shortlist": ShortlistForm,
}
# The status in which the page shows each step's form.
SHOWN = {
    "start": ProposalStatus.SUBMITTED,
    "review": ProposalStatus.UNDER_REVIEW,
    "score": ProposalStatus.FEASIBLE,
    "shortlist": ProposalStatus.FEASIBLE,
}


@require_http_methods(["GET", "POST"])
def proposal(request: TenantRequest, gov_code: str, proposal_id: int) -> HttpResponse:
    government = request.government
    require(request.user, REVIEW, government)
    p = proposals.proposal(government, proposal_id)
    departments = list(Department.objects.filter(government=government).order_by("code"))
    step = request.POST.get("step", "")
    forms: dict[str, Any] = {name: cls(request.POST if step == name else None) for name, cls in FORMS.items()}
    if request.method == "POST" and step in FORMS:
        form = forms[step]

        def run(d: dict[str, Any], call: Callable[[], Model], model: type[Model], **named: object) -> Model:
            return idempotency.once_per_form(
                scope="participation",
                government_id=government.pk,
                actor=request.user,
                form_key=form.key,
                kind="start_review" if step == "start" else step,
                values=form_request(d, proposal=p.pk, **named),
                lock=lock_cycle(p.cycle_id),
                call=call,
                load=lambda pk: model._default_manager.get(pk=pk),
            )

        if step == "start":
            code = request.POST.get("department", "")
            department = next((d for d in departments if str(d.pk) == code), None)
            done = submit(
                form,
                lambda d: run(
                    d,
                    lambda: actions.do_start_review(p, department=department, actor=request.user),
                    Proposal,
                    department=code,
                ),
            )
        elif step == "review":
            done = submit(
                form,
                lambda d: run(
                    d,
                    lambda: actions.do_review_proposal(
                        p,
                        feasible=d["feasible"],
                        reason=d["reason"],
                        reviewed_cost=d["reviewed_cost"],
                        actor=request.user,
                    ),
                    DepartmentReview,
                ),
            )
        elif step == "score":
            done = submit(
                form,
                lambda d: run(
                    d,
                    lambda: actions.do_score_proposal(
                        p, scores=form.scores(), comment=d["comment"], actor=request.user
                    ),
                    CommitteeScore,
                ),
            )
        else:
            done = submit(
                form,
                lambda d: run(
                    d,
                    lambda: actions.do_shortlist(
                        p, shortlisted=d["shortlisted"], reason=d["reason"], actor=request.user
                    ),
                    Proposal,
                ),
            )
        if done is not None:
            messages.success(request, _("The decision is recorded and shown to the proposer with its reason."))
            return redirect("participation_admin:proposal", government.code, p.pk)
    p.refresh_from_db()
    if step in FORMS and p.status != SHOWN[step]:
        refusal_to_messages(request, forms[step])
    return render(
        request,
        "participation/admin/proposal.html",
        workspace_context(
            request,
            cycle=p.cycle,
            proposal=p,
            departments=departments,
            events=proposals.events(p).select_related("actor"),
            reviews=p.reviews.select_related("department", "reviewer").order_by("id"),
            scores=p.scores.select_related("member").order_by("id"),
            photos=p.photos.all(),
            forms=forms,
            step=step,
        ),
        status=400 if step in FORMS else 200,
    )
