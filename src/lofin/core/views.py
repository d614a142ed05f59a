"""Pages for accounts, the personal inbox (결재함), approval documents, notifications and the workspace of a
government. Thin: parse, authorise, call one action or query, render."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lofin.core import actions, audit, clock, idempotency, permissions, types
from lofin.core.approvals import actions as approval_actions
from lofin.core.approvals import queries as approval_queries
from lofin.core.errors import LofinError, NotFound, json_error
from lofin.core.forms import (
    DecisionForm,
    DelegationForm,
    DraftForm,
    LoginForm,
    OtpForm,
    PreferenceForm,
    RejectForm,
    SignupForm,
)
from lofin.core.http import AuthedRequest, TenantRequest
from lofin.core.middleware import is_api
from lofin.core.models import (
    AuditEvent,
    Delegation,
    LocalGovernment,
    NotificationPreference,
    Official,
    StepKind,
    User,
)
from lofin.core.notifications.actions import do_mark_read, do_set_preference
from lofin.core.roles import AccountType, Position, Role
from lofin.core.submit import submit

PENDING_OTP_USER = "lofin_pending_otp_user"
PENDING_OTP_NEXT = "lofin_pending_otp_next"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _(
        "Your form could not be accepted because its security token is missing or has expired. "
        "Go back, reload the page and try again."
    )
    if is_api(request):
        return json_error("csrf_failed", message, 403)
    return render(request, "errors/error.html", {"status": 403, "code": "csrf_failed", "message": message}, status=403)


def login_locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    message = _(
        "Too many failed log-in attempts. For your security this account is locked for %(minutes)s minutes. "
        "Try again later or ask your system operator."
    ) % {"minutes": minutes}
    if is_api(request):
        return json_error("login_locked", message, 429)
    return render(request, "errors/error.html", {"status": 429, "code": "login_locked", "message": message}, status=429)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request, reverse("portal:home")))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return login_locked_out(request)
        if user is None:
            form.add_error(None, _("The user name or password is not correct."))
        elif not user.is_active:
            form.add_error(None, _("This account is disabled."))
        else:
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            next_url = _safe_next(request, reverse("portal:home"))
            if devices.exists():
                request.session[PENDING_OTP_USER] = user.pk
                request.session[PENDING_OTP_NEXT] = next_url
                return redirect("core:login_otp")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url)
    expired = request.GET.get("expired") == "1" or getattr(request, "session_expired", False)
    return render(request, "core/login.html", {"form": form, "expired": expired, "next": request.GET.get("next", "")})


@require_http_methods(["GET", "POST"])
def login_otp_view(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_OTP_USER)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("core:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                form.add_error(None, _("Too many wrong codes. Wait a moment and try again."))
                break
            if device.verify_token(token):
                next_url = request.session.pop(PENDING_OTP_NEXT, reverse("portal:home"))
                request.session.pop(PENDING_OTP_USER, None)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                otp_login(request, device)
                return redirect(next_url)
        else:
            form.add_error("token", _("The code is not correct."))
    return render(request, "core/login_otp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    response = redirect("portal:home")
    response.delete_cookie("lofin_seen_login")
    return response


@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.do_register(
                username=data["username"],
                password=data["password"],
                display_name=data["display_name"],
                account_type=data["account_type"],
                government=data["government"],
                email=data["email"],
                phone=data["phone"],
                business_number=data["business_number"],
                organisation=data["organisation"],
                language=request.LANGUAGE_CODE,  # type: ignore[attr-defined]
            )
        except LofinError as error:
            field = error.detail.get("field")
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.display_name})
            return redirect("portal:home")
    return render(request, "core/signup.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def account_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    pref = NotificationPreference.objects.filter(user=user, event="*").first()
    initial = {
        "language": user.preferred_language,
        "email": pref.email if pref else True,
        "sms": pref.sms if pref else False,
        "alimtalk": pref.alimtalk if pref else False,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_set_language(user, data["language"])
        do_set_preference(user, event="*", email=data["email"], sms=data["sms"], alimtalk=data["alimtalk"])
        messages.success(request, _("Your settings are saved."))
        response = redirect("core:account")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, data["language"], samesite="Lax", max_age=365 * 86400)
        return response
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    context = {
        "form": form,
        "has_otp": devices.exists(),
        "memberships": user.memberships.current().select_related("government").order_by("government__code"),
        "is_official": user.account_type == AccountType.OFFICIAL,
    }
    return render(request, "core/account.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    form = OtpForm(request.POST or None)
    if replacing:
        # Someone holding only a stolen session must not be able to swap the second factor.
        form.fields["password"] = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)
    if request.method == "POST" and form.is_valid():
        if replacing and not user.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("The password is not correct."))
        elif device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(user, "core.otp.enable", user)
            otp_login(request, device)
            messages.success(request, _("Two-step verification is on. You will be asked for a code at each log-in."))
            return redirect("core:account")
        form.add_error("token", _("The code is not correct. Check the clock of your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "core/otp_setup.html",
        {"form": form, "qr": _qr_svg(device.config_url), "secret": secret},
    )


@login_required
@require_POST
def otp_disable_view(request: AuthedRequest) -> HttpResponse:
    if not request.user.check_password(request.POST.get("password", "")):
        messages.error(request, _("The password is not correct; two-step verification stays on."))
        return redirect("core:account")
    with transaction.atomic():
        deleted, _rows = TOTPDevice.objects.filter(user=request.user).delete()
        if deleted:
            audit.record(request.user, "core.otp.disable", request.user)
    messages.info(request, _("Two-step verification is off."))
    return redirect("core:account")


@login_required
def notifications_view(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        do_mark_read(request.user)
        return redirect("core:notifications")
    page = Paginator(request.user.notifications.select_related("government"), 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
def inbox_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context = {
        "pending": approval_queries.inbox(user),
        "post_review": approval_queries.awaiting_post_review(user),
        "drafted": approval_queries.drafted_by(user)[:30],
    }
    return render(request, "core/inbox.html", context)


@login_required
def approval_detail_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    approval = approval_queries.visible_request(request.user, request_id)
    steps = approval.steps.select_related("assignee", "acted_by").order_by("order")
    current = next((s for s in steps if s.status == "pending"), None)
    can_act = current is not None and (
        current.assignee_id == request.user.pk
        or request.user.pk in approval_queries.substitutes_for(current.assignee_id, approval.government)
    )
    events = AuditEvent.objects.filter(
        chain_key=approval.government.code, object_type="core.approvalrequest", object_id=str(approval.pk)
    ).order_by("seq")
    context = {
        "approval": approval,
        "steps": steps,
        "current": current,
        "can_act": can_act,
        "acting": can_act and current is not None and current.assignee_id != request.user.pk,
        "can_withdraw": approval.drafter_id == request.user.pk
        and approval.status == "in_progress"
        and not any(s.acted_at for s in steps if s.order > 1),
        "decision_form": DecisionForm(),
        "reject_form": RejectForm(),
        "events": events,
        "post_review_step": next(
            (s for s in steps if s.assignee_id == request.user.pk and s.mode == "substitute" and not s.post_review_at),
            None,
        ),
    }
    return render(request, "core/approval_detail.html", context)


@login_required
@require_POST
def approval_decide_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            form = DecisionForm(request.POST)
            form.is_valid()
            approval_actions.do_approve(request_id, actor=request.user, comment=form.cleaned_data.get("comment", ""))
            messages.success(request, _("Approved."))
        elif decision == "reject":
            approval_actions.do_reject(request_id, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Returned to the drafter."))
        elif decision == "withdraw":
            approval_actions.do_withdraw(request_id, actor=request.user)
            messages.success(request, _("Withdrawn."))
        elif decision == "confirm":
            step_id = request.POST.get("step", "")
            if not types.is_ascii_digits(step_id):
                raise NotFound()
            approval_actions.do_confirm_after(int(step_id), actor=request.user)
            messages.success(request, _("Confirmed."))
        else:
            messages.error(request, _("Choose what to do with the document."))
    except LofinError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
    return redirect("core:approval_detail", request_id=request_id)


def _officials_of(government: LocalGovernment) -> QuerySet[User]:
    return (
        User.objects.filter(posts__government=government, is_active=True)
        .select_related()
        .order_by("-posts__position", "display_name")
    )


LINE_ROWS = 8


def _posted_line(request: TenantRequest, officials: list[User]) -> list[tuple[str, User]] | None:
    """The approval line chosen in the form's rows (empty rows skipped); None if a row names someone who may not
    stand on it or an unknown kind of step."""
    line = []
    for i in range(LINE_ROWS):
        kind = request.POST.get(f"step-{i}-kind")
        person = request.POST.get(f"step-{i}-assignee")
        if kind and person:
            chosen = next((u for u in officials if str(u.pk) == person), None)
            if chosen is None or kind not in (StepKind.REVIEW, StepKind.COOPERATE, StepKind.APPROVE):
                return None
            line.append((kind, chosen))
    return line


@require_http_methods(["GET", "POST"])
def draft_view(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    permissions.require(request.user, permissions.DRAFT_DOCUMENT, government)
    officials = list(_officials_of(government).exclude(pk=request.user.pk))
    positions = dict(Official.objects.filter(government=government).values_list("user_id", "position"))
    form = DraftForm(request.POST or None)
    amount = None
    if form.is_bound and form.is_valid():
        amount = form.cleaned_data.get("amount")
    default = approval_queries.default_line(government, request.user, doc_kind="core.general", amount=amount)
    rows = [{"kind": s.kind, "assignee_id": s.assignee_id} for s in default[1:]]
    if request.method == "POST" and request.POST.get("action") == "submit" and form.is_valid():
        line = _posted_line(request, officials)
        if line is None:
            form.add_error(None, _("Choose people of this government for the approval line."))
        else:
            approval = submit(
                form,
                lambda data: approval_actions.do_submit_for_approval(
                    government=government,
                    doc_kind="core.general",
                    subject_type="core.general",
                    subject_id=form.key,
                    title=data["title"],
                    amount=data["amount"],
                    line=line,
                    actor=request.user,
                    idempotency_key=form.key,
                ),
            )
            if approval is not None:
                messages.success(request, _("Submitted for approval."))
                return redirect("core:approval_detail", request_id=approval.pk)
        rows = [
            {"kind": request.POST.get(f"step-{i}-kind", ""), "assignee_id": int(assignee)}
            for i in range(LINE_ROWS)
            if types.is_ascii_digits(assignee := request.POST.get(f"step-{i}-assignee", ""))
        ]
    while len(rows) < 5:
        rows.append({"kind": "", "assignee_id": 0})
    required = approval_queries.required_position_for(government, "core.general", amount)
    context = {
        "form": form,
        "rows": rows,
        "officials": [(u, Position(positions.get(u.pk, 1)).label) for u in officials],
        "kinds": [
            (StepKind.REVIEW, StepKind.REVIEW.label),
            (StepKind.COOPERATE, StepKind.COOPERATE.label),
            (StepKind.APPROVE, StepKind.APPROVE.label),
        ],
        "required": Position(required).label,
    }
    return render(request, "core/draft.html", context)


@require_http_methods(["GET", "POST"])
def delegations_view(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    permissions.require(request.user, permissions.APPOINT_SUBSTITUTE, government)
    form = DelegationForm(request.POST or None)
    substitute_field = form.fields["substitute"]
    assert isinstance(substitute_field, forms.ModelChoiceField)
    substitute_field.queryset = _officials_of(government).exclude(pk=request.user.pk)
    substitute_field.label_from_instance = lambda u: u.label  # type: ignore[method-assign,assignment]
    if request.method == "POST":
        if request.POST.get("revoke"):
            try:
                approval_actions.do_revoke_substitute(int(request.POST["revoke"]), actor=request.user)
            except (LofinError, ValueError):
                messages.error(request, _("That appointment cannot be cancelled."))
            else:
                messages.success(request, _("The acting approver is cancelled."))
            return redirect("core:delegations", gov_code=gov_code)
        done = submit(
            form,
            lambda data: idempotency.once_per_form(
                scope="core",
                government_id=government.pk,
                actor=request.user,
                form_key=form.key,
                kind="delegation",
                values=data,
                # a person's appointments queue on their own row, so two sendings of one form find one claim
                lock=lambda: User.objects.select_for_update().filter(pk=request.user.pk).first(),
                call=lambda: approval_actions.do_appoint_substitute(
                    government,
                    delegator=request.user,
                    substitute=data["substitute"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                    actor=request.user,
                ),
                load=lambda pk: Delegation.objects.get(pk=pk),
            ),
        )
        if done is not None:
            messages.success(request, _("Your acting approver is appointed."))
            return redirect("core:delegations", gov_code=gov_code)
    now = clock.now()
    delegations = (
        Delegation.objects.filter(government=government)
        .filter(Q(delegator=request.user) | Q(substitute=request.user))
        .select_related("delegator", "substitute")
        .order_by("-starts_at")
    )
    return render(request, "core/delegations.html", {"form": form, "delegations": delegations, "now": now})


def workspace_view(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    roles = sorted(permissions.roles_in(request.user, government))
    context = {
        "government": government,
        "roles": [Role(r).label for r in roles],
        "is_official": bool(set(roles) & permissions.ALL_OFFICIALS),
        "can_audit": permissions.has_permission(request.user, permissions.VIEW_AUDIT_TRAIL, government),
        "pending": approval_queries.inbox(request.user).filter(request__government=government).count(),
    }
    return render(request, "core/workspace.html", context)


def audit_trail_view(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    permissions.require(request.user, permissions.VIEW_AUDIT_TRAIL, government)
    events = AuditEvent.objects.filter(chain_key=government.code).order_by("-seq")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    report = None
    if request.GET.get("verify") == "1":
        report = audit.verify_chain(government.code)
    return render(request, "core/audit_trail.html", {"government": government, "page": page, "report": report})


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "ko")
    if language not in ("ko", "en"):
        language = "ko"
    target = _safe_next(request, reverse("portal:home"))
    response: HttpResponse = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 86400)
    if isinstance(request.user, User):
        actions.do_set_language(request.user, language)
    return response
