"""지출결의: the 재무관 resolves to pay a creditor's claim on a commitment, with its inspection record, for the 지출원 to
order; and the open resolutions a payment order may follow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core import fiscal
from lofin.core.http import TenantRequest
from lofin.core.models import LocalGovernment, Membership, User
from lofin.core.permissions import require
from lofin.core.roles import OFFICIAL_ROLES
from lofin.core.types import is_ascii_digits

from ..access import COMMIT
from ..actions import resolutions
from ..forms import ResolutionForm
from ..models import Commitment, CommitmentKind, CommitmentStatus, ExpenditureResolution, ResolutionStatus
from ..queries import dashboard as table
from ..queries.appropriations import object_names
from ..rules.resolutions import needs_inspection
from .common import commitment_or_404, submit

# Where each refusal of the action belongs on the form.
FIELDS = {
    "claim.number": "claim_number",
    "claim.date": "claimed_on",
    "inspection": "inspection_result",
    "inspection.date": "inspected_on",
    "inspection.inspector": "inspector",
    "inspection.note": "inspection_note",
    "resolution_exceeds_commitment": "amount",
    "inspection_required": "inspection_result",
    "inspection_failed": "inspection_result",
    "closed_period": "resolved_on",
    "resolution_mismatch": "for_advance",
}


def _officials(government: LocalGovernment) -> list[User]:
    ids = Membership.objects.current().filter(government=government, role__in=OFFICIAL_ROLES).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("display_name", "username"))


def open_resolutions(commitment: Commitment, posted: str = "") -> list[ExpenditureResolution]:
    """The commitment's resolutions that orders may still follow, and the one a re-sent payment form names even if
    the first submission ordered all of it (so the retry reaches the action and gets the first order back)."""
    wanted = Q(status=ResolutionStatus.OPEN)
    if is_ascii_digits(posted):
        wanted |= Q(pk=int(posted))
    return list(ExpenditureResolution.objects.filter(wanted, commitment=commitment).order_by("resolved_on", "pk"))


def resolution_choices(resolutions: list[ExpenditureResolution]) -> list[tuple[str, str]]:
    return [
        (
            str(r.pk),
            _("%(number)s · %(day)s · claim %(claim)s · %(remaining)s won left to order")
            % {
                "number": r.number,
                "day": r.resolved_on.isoformat(),
                "claim": r.claim_number,
                "remaining": f"{r.remaining:,}",
            },
        )
        for r in resolutions
    ]


def _free(commitment: Commitment) -> int:
    """What is neither paid nor resolved on the commitment: what a new resolution may ask."""
    pending = sum(r.remaining for r in ExpenditureResolution.objects.filter(commitment=commitment))
    return max(commitment.amount - commitment.paid_amount - pending, 0)


@require_http_methods(["GET", "POST"])
def resolve(request: TenantRequest, gov_code: str, commitment_id: int) -> HttpResponse:
    commitment = commitment_or_404(request, commitment_id)
    require(request.user, COMMIT, request.government)
    line = commitment.line
    officials = _officials(request.government)
    free = _free(commitment)
    form = ResolutionForm(
        request.POST or None,
        inspectors=[(u.username, u.display_name or u.username) for u in officials],
        advance=commitment.kind == CommitmentKind.ADVANCE,
        initial={"amount": f"{free:,}" if free else ""},
    )
    if request.method == "POST":
        done = submit(form, lambda d: _resolve(commitment, d, officials, request.user, form.key), FIELDS)
        if done is not None:
            messages.success(
                request,
                _("Expenditure resolution %(number)s of %(amount)s won goes to the disbursing officer.")
                % {"number": done.number, "amount": f"{done.amount:,}"},
            )
            return redirect("execution:line", gov_code, line.pk)
    unpaid = commitment.amount - commitment.paid_amount
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
            "title": _("Resolve a claim for payment (지출결의)"),
            "submit_label": _("Resolve"),
            "unavailable": None
            if commitment.status == CommitmentStatus.ACTIVE and unpaid > 0
            else _("Nothing remains to be paid on this commitment."),
            "rules": [
                _("At most what the creditor claimed and what is neither paid nor resolved: %(free)s won now.")
                % {"free": f"{free:,}"},
                _(
                    "A claim for works, goods or services (편성목 201, 206, 207, 401, 405) needs a passed inspection "
                    "with its date and inspector; a claim for an advance (선금) or a 개산급 does not."
                )
                if needs_inspection(line.object_code, commitment_kind=commitment.kind, for_advance=False)
                else _("This line's claims need no inspection; record one if it was made."),
                _(
                    "Dates: commitment ≤ claim ≤ resolution, and the inspection between them; not in the future, and "
                    "no later than %(day)s for %(year)s."
                )
                % {"day": fiscal.exception_deadline(line.year).isoformat(), "year": line.year},
                _("The payment order that follows is issued by someone other than the finance officer who resolves."),
            ],
        },
    )


def _resolve(
    commitment: Commitment, data: dict[str, Any], officials: list[User], actor: User, key: str
) -> ExpenditureResolution:
    inspector = next((u for u in officials if u.username == data["inspector"]), None)
    return resolutions.do_resolve_expenditure(
        commitment,
        amount=data["amount"],
        claim_number=data["claim_number"],
        claimed_on=data["claimed_on"],
        claim_amount=data["claim_amount"],
        resolved_on=data["resolved_on"],
        inspected_on=data["inspected_on"],
        inspector=inspector,
        inspection_result=data["inspection_result"],
        inspection_note=data["inspection_note"],
        for_advance=bool(data.get("for_advance")),
        actor=actor,
        idempotency_key=key,
    )
