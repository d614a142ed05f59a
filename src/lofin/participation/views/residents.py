"""The people who take part, on screen: a resident verifying their identity (휴대폰 본인확인 and the match to the
resident list), their own page (나의 참여), and the officials' upload of the resident list."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from openpyxl import load_workbook

from lofin.core import idempotency
from lofin.core.errors import InvalidInput
from lofin.core.http import TenantRequest
from lofin.core.models import User
from lofin.core.permissions import require
from lofin.core.submit import submit

from ..access import MANAGE, PARTICIPATE
from ..actions import residents as actions
from ..actions import verification
from ..forms import CensusForm, VerifyConfirmForm, VerifyStartForm
from ..models import CensusList, Follow, Proposal
from ..queries import questions
from ..queries.residents import current_census
from .common import abilities, form_request, government_or_404, public_context, workspace_context


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, gov: str) -> HttpResponse:
    """Step 1 sends a code to the phone through the identity service; step 2 confirms it. Nothing is written
    before the service confirms the person."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    start_form = VerifyStartForm(request.POST if request.POST.get("step") == "start" else None)
    confirm_form = VerifyConfirmForm(request.POST if request.POST.get("step") == "confirm" else None)
    started: verification.Started | None = None
    if request.method == "POST" and request.POST.get("step") == "start":
        started = submit(
            start_form,
            lambda d: verification.start(
                government,
                user=user,
                name=d["name"],
                birth_date=d["birth_date"],
                sex_digit=d["sex_digit"],
                carrier=d["carrier"],
                phone=d["phone"],
            ),
            {"verification_failed": "phone", "service_code": "phone"},
        )
        if started is not None:
            confirm_form = VerifyConfirmForm(initial={"token": started["token"]})
    elif request.method == "POST" and request.POST.get("step") == "confirm":
        resident = submit(
            confirm_form,
            lambda d: verification.confirm(government, user=user, token=d["token"], code=d["code"]),
            {"verification_failed": "code", "identity": "code"},
        )
        if resident is not None:
            if resident.basis:
                messages.success(
                    request,
                    _("You are verified as %(name)s and found on the resident list: you may propose and vote.")
                    % {"name": resident.verified_name},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "You are verified as %(name)s, but you are not on the resident list: you may propose, "
                        "comment and ask, but not vote. Ask the office if you live, work or study here."
                    )
                    % {"name": resident.verified_name},
                )
            return redirect("participation:home", government.code)
        # The code was refused: the confirmation step again, with the token the form carried.
        started = {"token": request.POST.get("token", ""), "expires_in": 0, "test_code": ""}
    return render(
        request,
        "participation/verify.html",
        {
            "government": government,
            **abilities(request, government),
            "start_form": start_form,
            "confirm_form": confirm_form,
            "started": started,
        },
    )


def mine(request: HttpRequest, gov: str) -> HttpResponse:
    """나의 참여: my verification, my proposals with their status, what I follow, my notifications of this
    government's participation, my questions (overdue ones marked)."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    notes = user.notifications.filter(government=government, event__startswith="participation.")
    return render(
        request,
        "participation/mine.html",
        public_context(
            request,
            government,
            None,
            proposals=Proposal.objects.filter(government=government, proposer=user)
            .select_related("cycle")
            .order_by("-created_at"),
            questions=questions.questions(government).filter(asker=user),
            follows=Follow.objects.filter(government=government, user=user)
            .select_related("proposal__cycle")
            .order_by("-created_at", "-id"),
            notifications=notes.order_by("-created_at", "-id")[:20],
            unread=notes.filter(read_at__isnull=True).count(),
        ),
    )


def xlsx_to_csv(data: bytes) -> bytes:
    """The first sheet of a resident list sent as XLSX, as the CSV the upload reads."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput(_("The file is not a readable XLSX workbook."), field="file") from None
    out = io.StringIO()
    writer = csv.writer(out)
    for row in book.active.iter_rows(values_only=True):
        writer.writerow(
            ["" if v is None else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)) for v in row]
        )
    return out.getvalue().encode()


@require_http_methods(["GET", "POST"])
def census(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    require(request.user, MANAGE, government)
    form = CensusForm(request.POST or None, request.FILES or None)
    if request.method == "POST":

        def call(d: dict[str, Any]) -> CensusList:
            values = form_request(d)
            data = d["file"].read()
            if d["file"].name.lower().endswith(".xlsx") or data[:2] == b"PK":
                data = xlsx_to_csv(data)
            return idempotency.once_per_form(
                scope="participation",
                government_id=government.pk,
                actor=request.user,
                form_key=form.key,
                kind="census",
                values=values,
                lock=lambda: None,
                call=lambda: actions.do_upload_census(government, name=d["name"], data=data, actor=request.user),
                load=lambda pk: CensusList.objects.get(pk=pk),
            )

        done = submit(form, call)
        if done is not None:
            messages.success(
                request,
                _("The resident list %(name)s with %(rows)d people is now the current one.")
                % {"name": done.name, "rows": done.row_count},
            )
            return redirect("participation_admin:workspace", government.code)
    return render(
        request,
        "participation/admin/census.html",
        workspace_context(request, form=form, current=current_census(government)),
        status=400 if form.is_bound else 200,
    )
