"""Screen submissions of the actions that take no idempotency key of their own (예산배정, 재배정, 자금배정, cancelling a
commitment, a new office, 납입고지, withdrawing a transfer request, closing a year): each form rendering carries a
key, and a second submission of it must not allocate twice.

The key is claimed in the audit trail, in the same transaction as the action: one event with object type
`execution.form` and the hashed key as its object id (an indexed pair). The row of the money the action changes is
locked first — the line, or the office — as every money path does, so two submissions of one form are serialised
there and the second finds the first one's claim and writes nothing. A refused action rolls its claim back with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict, InvalidInput
from lofin.core.models import AuditEvent, LocalGovernment

from . import actions, revenue_actions, transfer_actions, yearend_actions
from .forms import KEY_RE
from .models import Allocation, Assessment, BudgetLine, Commitment, Office, SubAllocation, Transfer
from .yearend_queries import LapseReport, lapse_report

FORM_OBJECT = "execution.form"


class FormReused(Conflict):
    code = "form_reused"
    default_message = _("This form was already submitted with other values. Open the form again to do something new.")


def _claim_id(government_id: int, actor: Any, form_key: str) -> str:
    if not KEY_RE.fullmatch(form_key or ""):
        raise InvalidInput(_("The form has no valid key; open it again."), field="idempotency_key")
    return hashlib.sha256(f"{government_id}:{actor.pk}:{form_key}".encode()).hexdigest()


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _claimed(claim: str, fingerprint: str) -> dict[str, Any] | None:
    event = AuditEvent.objects.filter(object_type=FORM_OBJECT, object_id=claim).only("data").first()
    if event is None:
        return None
    if event.data.get("fingerprint") != fingerprint:
        raise FormReused()
    return event.data


def _claim(actor: Any, action: str, obj: Any, claim: str, fingerprint: str) -> None:
    audit.record(
        actor,
        action,
        obj,
        object_type=FORM_OBJECT,
        object_id=claim,
        data={"object": obj.pk, "fingerprint": fingerprint},
    )


def do_allocate_from_form(
    line: BudgetLine, *, amount: int, kind: str, period: int, actor: Any, form_key: str
) -> Allocation:
    """예산배정 submitted from a screen: at most once per form rendering."""
    claim = _claim_id(line.government_id, actor, form_key)
    fingerprint = _fingerprint("allocate", line.pk, amount, kind, period)
    with transaction.atomic():
        BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
        if done := _claimed(claim, fingerprint):
            return Allocation.objects.get(pk=done["object"])
        allocation = actions.do_allocate(line, amount=amount, kind=kind, period=period, actor=actor)
        _claim(actor, "execution.form.allocate", allocation, claim, fingerprint)
    return allocation


def do_allocate_cash_from_form(office: Office, *, amount: int, actor: Any, form_key: str) -> Office:
    """자금배정 submitted from a screen: at most once per form rendering."""
    claim = _claim_id(office.government_id, actor, form_key)
    fingerprint = _fingerprint("cash", office.pk, amount)
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        if _claimed(claim, fingerprint):
            office.refresh_from_db()
            return office
        office = actions.do_allocate_cash(office, amount=amount, actor=actor)
        _claim(actor, "execution.form.cash", office, claim, fingerprint)
    return office


def do_cancel_commitment_from_form(commitment: Commitment, *, reason: str, actor: Any, form_key: str) -> Commitment:
    """Cancelling a commitment from a screen: a second submission answers with the first result, not with
    "nothing left to cancel"."""
    claim = _claim_id(commitment.government_id, actor, form_key)
    fingerprint = _fingerprint("cancel", commitment.pk)
    with transaction.atomic():
        # Line before commitment: the lock order of every money path.
        BudgetLine.objects.select_for_update().filter(pk=commitment.line_id).first()
        if _claimed(claim, fingerprint):
            commitment.refresh_from_db()
            return commitment
        commitment = actions.do_cancel_commitment(commitment.pk, actor=actor, reason=reason)
        _claim(actor, "execution.form.cancel", commitment, claim, fingerprint)
    return commitment


def do_create_office_from_form(
    government: LocalGovernment,
    *,
    year: int,
    code: str,
    name: str,
    kind: str,
    small_office_exception: bool,
    actor: Any,
    form_key: str,
) -> Office:
    """A new 관서 from a screen: a second submission of the form answers with the office the first one created,
    not with "this code exists already"."""
    claim = _claim_id(government.pk, actor, form_key)
    fingerprint = _fingerprint("office", year, code.strip(), name.strip(), kind, small_office_exception)
    with transaction.atomic():
        if done := _claimed(claim, fingerprint):
            return Office.objects.get(pk=done["object"])
        try:
            office = actions.do_create_office(
                government,
                year=year,
                code=code,
                name=name,
                kind=kind,
                small_office_exception=small_office_exception,
                actor=actor,
            )
        except Conflict:
            # The unique code made a concurrent twin of this submission wait for the first; it has committed now.
            if done := _claimed(claim, fingerprint):
                return Office.objects.get(pk=done["object"])
            raise
        _claim(actor, "execution.form.office", office, claim, fingerprint)
    return office


def do_sub_allocate_from_form(
    line: BudgetLine, *, office: Office, amount: int, actor: Any, form_key: str
) -> SubAllocation:
    """재배정 submitted from a screen: at most once per form rendering."""
    claim = _claim_id(line.government_id, actor, form_key)
    fingerprint = _fingerprint("sub_allocate", line.pk, office.pk, amount)
    with transaction.atomic():
        BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
        if done := _claimed(claim, fingerprint):
            return SubAllocation.objects.get(pk=done["object"])
        sub = actions.do_sub_allocate(line, office=office, amount=amount, actor=actor)
        _claim(actor, "execution.form.sub_allocate", sub, claim, fingerprint)
    return sub


def do_send_notice_from_form(
    assessment: Assessment, *, notice_on: dt.date | None, fixed_due_on: dt.date | None, actor: Any, form_key: str
) -> Assessment:
    """납입고지 from a screen. A repeated notice is a legitimate 독촉 with its own record, so a double click must not
    send a second one: one notice per form rendering."""
    claim = _claim_id(assessment.government_id, actor, form_key)
    fingerprint = _fingerprint("notice", assessment.pk, notice_on, fixed_due_on)
    with transaction.atomic():
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        if _claimed(claim, fingerprint):
            return Assessment.objects.get(pk=assessment.pk)
        assessment = revenue_actions.do_send_notice(
            assessment, notice_on=notice_on, fixed_due_on=fixed_due_on, actor=actor
        )
        _claim(actor, "execution.form.notice", assessment, claim, fingerprint)
    return assessment


def do_withdraw_transfer_from_form(transfer: Transfer, *, actor: Any, form_key: str) -> Transfer:
    """회수 of a transfer request from a screen: a second submission answers like the first, not with "already
    decided"."""
    claim = _claim_id(transfer.government_id, actor, form_key)
    fingerprint = _fingerprint("withdraw", transfer.pk)
    with transaction.atomic():
        transfer_actions.lock_for_release(transfer)
        if _claimed(claim, fingerprint):
            return Transfer.objects.get(pk=transfer.pk)
        transfer = transfer_actions.do_withdraw_transfer(transfer, actor=actor)
        _claim(actor, "execution.form.withdraw", transfer, claim, fingerprint)
    return transfer


def do_close_year_from_form(government: LocalGovernment, year: int, *, actor: Any, form_key: str) -> LapseReport:
    """불용 computed and recorded from a screen, once per form rendering (it may be run again from a new one for the
    final figures). No money row is touched, so the government's row is the lock that queues two submissions, taken
    FOR NO KEY UPDATE: that does not block the key-share locks of the inserts that refer to the government."""
    claim = _claim_id(government.pk, actor, form_key)
    fingerprint = _fingerprint("close_year", year)
    with transaction.atomic():
        LocalGovernment.objects.select_for_update(no_key=True).filter(pk=government.pk).first()
        if _claimed(claim, fingerprint):
            return lapse_report(government, year, today=yearend_actions._today())
        report = yearend_actions.do_close_year(government, year, actor=actor)
        _claim(actor, "execution.form.close_year", government, claim, fingerprint)
    return report
