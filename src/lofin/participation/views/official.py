"""The officials' side of 주민e참여 in the government workspace: cycles and their settings, the resident list,
phases, the tally, overrides with their published reasons, the 운영결과 report and the election as .pb.

The URL names the government (`gov_code`), so TenantMiddleware has already answered 404 to anyone who is not its
member; each view checks the role its action needs."""

from __future__ import annotations

import csv
import io
import zipfile

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lofin.core.errors import InvalidInput
from lofin.core.http import TenantRequest
from lofin.core.permissions import require

from .. import actions, pb_io, queries, report, tally
from ..access import MANAGE, VIEW
from ..form_actions import lock_cycle, once
from ..forms import CensusForm, CycleForm, OverrideForm, SimpleForm
from ..models import CensusList, Cycle, District, Override, PhaseKind, Proposal, ProposalStatus
from ..rules import next_phase
from .common import abilities, submit
from .public import results_context


def _ctx(request: TenantRequest, **extra: object) -> dict:
    return {"government": request.government, **abilities(request, request.government), **extra}


@require_GET
def workspace(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    today = timezone.localdate()
    open_questions = queries.questions(government).filter(answer__isnull=True)
    return render(
        request,
        "participation/admin/workspace.html",
        _ctx(
            request,
            cycles=queries.cycles(government),
            census=CensusList.objects.filter(government=government, is_current=True).first(),
            open_questions=open_questions[:50],
            overdue=open_questions.filter(due_on__lt=today).count(),
            years=sorted({c.year for c in queries.cycles(government)}, reverse=True),
            today=today,
        ),
    )


@require_http_methods(["GET", "POST"])
def create_cycle(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    require(request.user, MANAGE, government)
    year = timezone.localdate().year + 1
    form = CycleForm(
        request.POST or None,
        initial={"year": year, "title": _("%(year)d participatory budgeting") % {"year": year}},
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind="cycle",
                values=(d["year"], d["title"]),
                lock=lambda: None,
                call=lambda: actions.do_create_cycle(
                    government,
                    year=d["year"],
                    title=d["title"],
                    description=d["description"],
                    total_amount=d["total_amount"],
                    ballot_kind=d["ballot_kind"],
                    rule=d["rule"],
                    satisfaction=d["satisfaction"] or "",
                    max_choices=d["max_choices"],
                    min_choices=d["min_choices"] or 1,
                    max_points=d["max_points"],
                    allow_residents=d["allow_residents"],
                    allow_workers=d["allow_workers"],
                    allow_students=d["allow_students"],
                    min_age=d["min_age"],
                    phases=form.phases(),
                    districts=[actions.DistrictIn(**x) for x in d["districts"]],
                    actor=request.user,
                ),
                load=lambda pk: Cycle.objects.get(pk=pk),
            ),
            {"phases": "proposal_start", "phase": "proposal_start", "max_choices": "max_choices"},
        )
        if done is not None:
            messages.success(request, _("The cycle %(title)s is set up.") % {"title": done.title})
            return redirect("participation_admin:cycle", government.code, done.pk)
    return render(
        request,
        "participation/admin/cycle_form.html",
        _ctx(request, form=form),
        status=400 if form.is_bound else 200,
    )


def _xlsx_to_csv(data: bytes) -> bytes:
    from openpyxl import load_workbook

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

        def call(d: dict) -> CensusList:
            data = d["file"].read()
            if d["file"].name.lower().endswith(".xlsx") or data[:2] == b"PK":
                data = _xlsx_to_csv(data)
            return once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind="census",
                values=(d["name"], len(data)),
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
        _ctx(request, form=form, current=CensusList.objects.filter(government=government, is_current=True).first()),
        status=400 if form.is_bound else 200,
    )


def cycle_or_404(request: TenantRequest, cycle_id: int) -> Cycle:
    return queries.cycle(request.government, cycle_id)


@require_GET
def cycle(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    c = cycle_or_404(request, cycle_id)
    proposals = queries.proposals(c).prefetch_related("scores")
    following = next_phase(c.phase) if c.phase != PhaseKind.IMPLEMENTATION else ""
    on_ballot = [p for p in proposals if p.status in (ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED)]
    return render(
        request,
        "participation/admin/cycle.html",
        _ctx(
            request,
            cycle=c,
            phases=queries.phases(c),
            districts=District.objects.filter(cycle=c),
            proposals=proposals,
            next_phase=PhaseKind(following).label if following else "",
            action_form=SimpleForm(),
            count_form=SimpleForm(),
            finish_form=SimpleForm(),
            override_form=OverrideForm(proposals=[(str(p.pk), str(p)) for p in on_ballot]),
            **results_context(c),
        ),
    )


@require_POST
def advance(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    c = cycle_or_404(request, cycle_id)
    form = SimpleForm(request.POST)
    done = submit(
        form,
        lambda d: once(
            c.government_id,
            actor=request.user,
            form_key=form.key,
            kind="advance",
            values=(c.pk, c.phase),
            lock=lock_cycle(c.pk),
            call=lambda: actions.do_advance_phase(c, actor=request.user),
            load=lambda pk: Cycle.objects.get(pk=pk),
        ),
    )
    if done is not None:
        messages.success(request, _("The cycle is now in the phase: %(phase)s.") % {"phase": done.get_phase_display()})
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    return redirect("participation_admin:cycle", gov_code, c.pk)


@require_POST
def count(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """Run the tally by the cycle's rule; the proposals' statuses follow the result."""
    c = cycle_or_404(request, cycle_id)
    form = SimpleForm(request.POST)

    def call(d: dict) -> Cycle:
        tally.do_compute_result(c, actor=request.user)
        return Cycle.objects.get(pk=c.pk)

    done = submit(
        form,
        lambda d: once(
            c.government_id,
            actor=request.user,
            form_key=form.key,
            kind="count",
            values=(c.pk,),
            lock=lock_cycle(c.pk),
            call=lambda: call(d),
            load=lambda pk: Cycle.objects.get(pk=pk),
        ),
    )
    if done is not None:
        messages.success(request, _("The vote is counted by the rule: %(rule)s.") % {"rule": done.get_rule_display()})
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    return redirect("participation_admin:cycle", gov_code, c.pk)


@require_http_methods(["GET", "POST"])
def override(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    c = cycle_or_404(request, cycle_id)
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
            lambda d: once(
                c.government_id,
                actor=request.user,
                form_key=form.key,
                kind="override",
                values=(c.pk, d["proposal"], d["action"]),
                lock=lock_cycle(c.pk),
                call=lambda: tally.do_override(
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
        _ctx(request, cycle=c, form=form),
        status=400 if form.is_bound else 200,
    )


@require_GET
def report_xlsx(request: TenantRequest, gov_code: str) -> HttpResponse:
    """주민참여예산 운영결과 of a budget year, for 지방재정365."""
    require(request.user, VIEW, request.government)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else timezone.localdate().year
    body = report.report_xlsx(request.government, year)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="participation_{request.government.code}_{year}.xlsx"'
    return response


@require_GET
def export_pb(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """The election in the pabulib .pb format (one file, or a zip of one per district with its own amount)."""
    require(request.user, VIEW, request.government)
    c = cycle_or_404(request, cycle_id)
    files = pb_io.export_pb(c)
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
