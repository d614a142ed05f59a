"""Screen submissions of the actions that take no idempotency key of their own (예산배정, 재배정, 자금배정, cancelling a
commitment, a new office, 납입고지, withdrawing a transfer request, closing a year): each form rendering carries a
key, and a second submission of it must not allocate twice.

The claim is `core.idempotency.once_per_form`'s (object type `execution.form`). The row of the money the action
changes is locked first — the line, or the office — as every money path does, so two submissions of one form queue
there and the second finds the first one's claim and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model

from lofin.core import clock, idempotency
from lofin.core.errors import Conflict
from lofin.core.models import LocalGovernment

from . import actions, revenue_actions, transfer_actions, yearend_actions
from .models import Allocation, Assessment, BudgetLine, Commitment, Office, SubAllocation, Transfer
from .yearend_queries import LapseReport, lapse_report

M = TypeVar("M", bound=Model)


def _once(
    government_id: int,
    *,
    actor: Any,
    form_key: str,
    kind: str,
    values: dict[str, Any],
    lock: Callable[[], Any],
    call: Callable[[], M],
    load: Callable[[int], M],
) -> M:
    return idempotency.once_per_form(
        scope="execution",
        government_id=government_id,
        actor=actor,
        form_key=form_key,
        kind=kind,
        values=values,
        lock=lock,
        call=call,
        load=load,
    )


def _lock_line(line_id: int) -> Callable[[], Any]:
    return lambda: BudgetLine.objects.select_for_update().filter(pk=line_id).first()


def do_allocate_from_form(
    line: BudgetLine, *, amount: int, kind: str, period: int, actor: Any, form_key: str
) -> Allocation:
    """예산배정 submitted from a screen: at most once per form rendering."""
    return _once(
        line.government_id,
        actor=actor,
        form_key=form_key,
        kind="allocate",
        values={"line": line.pk, "amount": amount, "kind": kind, "period": period},
        lock=_lock_line(line.pk),
        call=lambda: actions.do_allocate(line, amount=amount, kind=kind, period=period, actor=actor),
        load=lambda pk: Allocation.objects.get(pk=pk),
    )


def do_allocate_cash_from_form(office: Office, *, amount: int, actor: Any, form_key: str) -> Office:
    """자금배정 submitted from a screen: at most once per form rendering."""
    return _once(
        office.government_id,
        actor=actor,
        form_key=form_key,
        kind="cash",
        values={"office": office.pk, "amount": amount},
        lock=lambda: Office.objects.select_for_update().filter(pk=office.pk).first(),
        call=lambda: actions.do_allocate_cash(office, amount=amount, actor=actor),
        load=lambda pk: Office.objects.get(pk=pk),
    )


def do_cancel_commitment_from_form(commitment: Commitment, *, reason: str, actor: Any, form_key: str) -> Commitment:
    """Cancelling a commitment from a screen: a second submission answers with the first result, not with
    "nothing left to cancel"."""
    return _once(
        commitment.government_id,
        actor=actor,
        form_key=form_key,
        kind="cancel",
        values={"commitment": commitment.pk, "reason": reason},
        # Line before commitment: the lock order of every money path.
        lock=_lock_line(commitment.line_id),
        call=lambda: actions.do_cancel_commitment(commitment.pk, actor=actor, reason=reason),
        load=lambda pk: Commitment.objects.get(pk=pk),
    )


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
    values = {
        "year": year,
        "code": code.strip(),
        "name": name.strip(),
        "kind": kind,
        "small_office_exception": small_office_exception,
    }

    def once() -> Office:
        return _once(
            government.pk,
            actor=actor,
            form_key=form_key,
            kind="office",
            values=values,
            lock=lambda: None,
            call=lambda: actions.do_create_office(
                government,
                year=year,
                code=code,
                name=name,
                kind=kind,
                small_office_exception=small_office_exception,
                actor=actor,
            ),
            load=lambda pk: Office.objects.get(pk=pk),
        )

    try:
        return once()
    except Conflict as error:
        if isinstance(error, idempotency.KeyReused):
            raise
        # The unique code made a concurrent twin of this submission wait for the first; it has committed now, and
        # a second look finds its claim (or the same refusal, for a code someone else took).
        return once()


def do_sub_allocate_from_form(
    line: BudgetLine, *, office: Office, amount: int, actor: Any, form_key: str
) -> SubAllocation:
    """재배정 submitted from a screen: at most once per form rendering."""
    return _once(
        line.government_id,
        actor=actor,
        form_key=form_key,
        kind="sub_allocate",
        values={"line": line.pk, "office": office.pk, "amount": amount},
        lock=_lock_line(line.pk),
        call=lambda: actions.do_sub_allocate(line, office=office, amount=amount, actor=actor),
        load=lambda pk: SubAllocation.objects.get(pk=pk),
    )


def do_send_notice_from_form(
    assessment: Assessment, *, notice_on: dt.date | None, fixed_due_on: dt.date | None, actor: Any, form_key: str
) -> Assessment:
    """납입고지 from a screen. A repeated notice is a legitimate 독촉 with its own record, so a double click must not
    send a second one: one notice per form rendering."""
    return _once(
        assessment.government_id,
        actor=actor,
        form_key=form_key,
        kind="notice",
        values={"assessment": assessment.pk, "notice_on": notice_on, "fixed_due_on": fixed_due_on},
        lock=lambda: Assessment.objects.select_for_update().filter(pk=assessment.pk).first(),
        call=lambda: revenue_actions.do_send_notice(
            assessment, notice_on=notice_on, fixed_due_on=fixed_due_on, actor=actor
        ),
        load=lambda pk: Assessment.objects.get(pk=pk),
    )


def do_withdraw_transfer_from_form(transfer: Transfer, *, actor: Any, form_key: str) -> Transfer:
    """회수 of a transfer request from a screen: a second submission answers like the first, not with "already
    decided"."""
    return _once(
        transfer.government_id,
        actor=actor,
        form_key=form_key,
        kind="withdraw",
        values={"transfer": transfer.pk},
        lock=lambda: transfer_actions.lock_for_release(transfer),
        call=lambda: transfer_actions.do_withdraw_transfer(transfer, actor=actor),
        load=lambda pk: Transfer.objects.get(pk=pk),
    )


def do_close_year_from_form(government: LocalGovernment, year: int, *, actor: Any, form_key: str) -> LapseReport:
    """불용 computed and recorded from a screen, once per form rendering (it may be run again from a new one for the
    final figures). No money row is touched, so the government's row is the lock that queues two submissions, taken
    FOR NO KEY UPDATE: that does not block the key-share locks of the inserts that refer to the government."""

    def close() -> LocalGovernment:
        yearend_actions.do_close_year(government, year, actor=actor)
        return government

    _once(
        government.pk,
        actor=actor,
        form_key=form_key,
        kind="close_year",
        values={"year": year},
        lock=lambda: LocalGovernment.objects.select_for_update(no_key=True).filter(pk=government.pk).first(),
        call=close,
        load=lambda pk: government,
    )
    return lapse_report(government, year, today=clock.today())
