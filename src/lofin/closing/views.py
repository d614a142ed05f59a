"""The books and the 결산 in the government workspace: trial balance, general ledger with drill-down to the
source document, the statements per entity and consolidated, the 세입세출결산, the closing run and its calendar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lofin.accounting import queries, sources
from lofin.accounting.access import POST, VIEW
from lofin.accounting.models import Entity, LedgerAccount
from lofin.core import clock, fiscal
from lofin.core.approvals import queries as approval_queries
from lofin.core.fields import DateField
from lofin.core.http import TenantRequest
from lofin.core.models import User
from lofin.core.permissions import has_permission, require, require_operator
from lofin.core.submit import KeyedForm, submit
from lofin.core.types import is_ascii_digits, year_or_404

from . import actions, calendar, documents, package, performance
from . import queries as closing_queries
from .budget_result import for_entity
from .models import DocumentKind
from .queries import document_for
from .statements import CONSOLIDATED

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTITIES = [*Entity.values, CONSOLIDATED]
STATEMENTS = ("position", "performance", "changes", "notes", "budget_result")
PAGE_SIZE = 100


def _entity(value: str | None, allow_all: bool = True) -> str | None:
    if not value:
        return None if allow_all else CONSOLIDATED
    if value not in ENTITIES or (allow_all and value == CONSOLIDATED):
        raise Http404()
    return value


def _base(request: TenantRequest, year: int) -> dict[str, Any]:
    require(request.user, VIEW, request.government)
    return {
        "government": request.government,
        "year": year_or_404(year),
        "entities": [(e, documents.ENTITY_KO[e]) for e in ENTITIES],
        "can_close": has_permission(request.user, POST, request.government),
    }


def _month(value: str | None, default: int) -> int:
    if not value or not is_ascii_digits(value) or len(value) > 2:
        return default
    return min(max(int(value), 1), 14)


@require_GET
def home(request: TenantRequest, gov_code: str) -> HttpResponse:
    require(request.user, VIEW, request.government)
    return redirect("accounting:closing", gov_code, clock.today().year - 1)


@require_GET
def trial_balance(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    context = _base(request, year)
    entity = _entity(request.GET.get("entity"))
    month_from, month_to = _month(request.GET.get("month_from"), 1), _month(request.GET.get("month_to"), 14)
    if month_from > month_to:
        month_from, month_to = month_to, month_from
    tb = queries.trial_balance(request.government, year, entity=entity, month_from=month_from, month_to=month_to)
    context.update(tb=tb, entity=entity or "", month_from=month_from, month_to=month_to, months=range(1, 15))
    return render(request, "accounting/trial_balance.html", context)


@require_GET
def ledger(request: TenantRequest, gov_code: str, year: int, code: str) -> HttpResponse:
    context = _base(request, year)
    account = LedgerAccount.objects.filter(code=code).first()
    if account is None:
        raise Http404()
    entity = _entity(request.GET.get("entity"))
    page = request.GET.get("page") or ""
    page_number = max(int(page), 1) if is_ascii_digits(page) and len(page) < 9 else 1
    rows = queries.ledger(
        request.government.pk, year, code, entity=entity, limit=PAGE_SIZE + 1, offset=(page_number - 1) * PAGE_SIZE
    )
    more = len(rows) > PAGE_SIZE
    lines = []
    for row in rows[:PAGE_SIZE]:
        source = sources.resolve(row["entry__source_type"], row["entry__source_id"], gov_code)
        lines.append({**row, "source": source})
    context.update(
        account=account, lines=lines, entity=entity or "", page=page_number, more=more, previous=page_number > 1
    )
    return render(request, "accounting/ledger.html", context)


@require_GET
def statements(request: TenantRequest, gov_code: str, year: int, entity: str) -> HttpResponse:
    context = _base(request, year)
    entity = _entity(entity, allow_all=False) or CONSOLIDATED
    document, run = document_for(request.government, year)
    found = document["statements"].get(entity)
    if found is None:
        raise Http404()
    context.update(
        entity=entity,
        entity_name=documents.ENTITY_KO[entity],
        kept=[(e, documents.ENTITY_KO[e]) for e in ENTITIES if e in document["statements"]],
        s=found,
        notes=document["notes"][entity],
        carries=[
            {**c, "label": documents.CARRY_KO.get(c["kind"], c["kind"])}
            for c in document["notes"][entity]["carry_overs"]
        ],
        run=run,
    )
    return render(request, "accounting/statements.html", context)


@require_GET
def budget_result(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    context = _base(request, year)
    document, run = document_for(request.government, year)
    entity = _entity(request.GET.get("entity"), allow_all=False) or CONSOLIDATED
    result = for_entity(document["budget_result"], entity)
    page = Paginator(result["expenditure"], PAGE_SIZE).get_page(request.GET.get("page"))
    kept = [(e, documents.ENTITY_KO[e]) for e in ENTITIES if e in document["statements"]]
    context.update(result=result, page=page, run=run, entity=entity, kept=kept)
    return render(request, "accounting/budget_result.html", context)


@require_GET
def performance_report(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """성과보고서 (R-AC-6): generated from the performance targets of the year's projects and their results."""
    context = _base(request, year)
    context.update(report=performance.report(request.government, year))
    return render(request, "accounting/performance_report.html", context)


@require_GET
def download(request: TenantRequest, gov_code: str, year: int, entity: str, statement: str, fmt: str) -> HttpResponse:
    _base(request, year)
    if statement not in STATEMENTS or fmt not in ("xlsx", "pdf"):
        raise Http404()
    entity = _entity(entity, allow_all=False) or CONSOLIDATED
    document, _run = document_for(request.government, year)
    if entity not in document["statements"]:
        raise Http404()
    if fmt == "xlsx":
        body, content_type = documents.xlsx_bytes(document, entity, statement), XLSX_TYPE
    else:
        body, content_type = documents.pdf_bytes(document, entity, statement), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    name = f"{gov_code}-{year}-{entity}-{statement}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ReopenForm(KeyedForm):
    reason = forms.CharField(label=gettext_lazy("Reason for reopening"), max_length=500)


class DocumentForm(KeyedForm):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=DocumentKind.choices)
    reference = forms.CharField(label=gettext_lazy("Document number"), max_length=100, required=False)
    dated_on = DateField(label=gettext_lazy("Date of the document"), required=False)
    summary = forms.CharField(label=gettext_lazy("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    not_applicable = forms.BooleanField(label=gettext_lazy("Does not apply to this government"), required=False)


def _default_line(request: TenantRequest, doc_kind: str) -> list[tuple[str, Any]]:
    """The usual line from the org chart, up to the head of the government who decides the 결산."""
    planned = approval_queries.default_line(request.government, request.user, doc_kind=doc_kind, amount=None)
    people = {u.pk: u for u in User.objects.filter(pk__in=[p.assignee_id for p in planned[1:]])}
    return [(p.kind, people[p.assignee_id]) for p in planned[1:]]


@require_http_methods(["GET", "POST"])
def closing(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    context = _base(request, year)
    government = request.government
    action = request.POST.get("action", "close") if request.method == "POST" else ""
    form = KeyedForm(request.POST if action == "close" else None)
    reopen_form = ReopenForm(request.POST if action == "reopen" else None)
    document_form = DocumentForm(request.POST if action == "document" else None)
    if request.method == "POST":
        require(request.user, POST, government)
        done: object | None
        if action == "reopen":
            done = submit(
                reopen_form,
                lambda d: actions.do_propose_reopening(
                    government,
                    year,
                    reason=d["reason"],
                    line=_default_line(request, actions.DOC_REOPEN),
                    actor=request.user,
                    idempotency_key=reopen_form.key,
                ),
            )
            text = _("The reopening of %(year)s is on its approval line: the head decides.")
        elif action == "document":
            done = submit(
                document_form,
                lambda d: actions.do_record_document(
                    government,
                    year,
                    kind=d["kind"],
                    reference=d["reference"],
                    dated_on=d["dated_on"],
                    summary=d["summary"],
                    not_applicable=d["not_applicable"],
                    actor=request.user,
                ),
            )
            text = _("The document is recorded in the 결산 package of %(year)s.")
        else:
            done = submit(
                form,
                lambda _d: actions.do_propose_closing(
                    government,
                    year,
                    line=_default_line(request, actions.DOC_CLOSE),
                    actor=request.user,
                    idempotency_key=form.key,
                ),
            )
            text = _("The closing of %(year)s is on its approval line: the books close when the head approves.")
        if done is not None:
            messages.success(request, text % {"year": year})
            return redirect("accounting:closing", gov_code, year)
    today = clock.today()
    standing = calendar.standing(government, year, today=today)
    run = closing_queries.live_run(government, year)
    context.update(
        form=form,
        reopen_form=reopen_form,
        document_form=document_form,
        today=today,
        standing=standing,
        deadlines=calendar.deadlines(year),
        may_close=fiscal.books_may_close(year, today),
        run=run,
        history=closing_queries.runs(government, year),
        requests=closing_queries.requests(government, year),
        parts=package.parts(government, year, run),
        attachments=package.attachments(government, year),
        missing=package.missing(government, year, run),
    )
    return render(request, "accounting/closing.html", context)


@require_GET
def overview(request: HttpRequest, year: int) -> HttpResponse:
    """The operator's view of the year's 결산 across every government: status, closing day, submission."""
    require_operator(request.user)
    today = clock.today()
    rows = calendar.overview(year_or_404(year), today=today)
    counts = {key: sum(1 for r in rows if r.status == key) for key in calendar.STATUS_LABELS}
    context = {
        "year": year,
        "today": today,
        "rows": rows,
        "counts": [(calendar.STATUS_LABELS[k], n) for k, n in counts.items()],
        "overdue": sum(1 for r in rows if r.overdue),
        "deadlines": calendar.deadlines(year),
    }
    return render(request, "accounting/overview.html", context)
