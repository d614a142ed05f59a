"""Writers of the 관서 of a year: a new office (재무관, 분임재무관, 지출원) and 자금배정, the payment ceiling (지출한도) of
a 지출원 office."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, idempotency
from lofin.core.errors import Conflict, InvalidInput
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require

from ..access import CASH
from ..models import Office, OfficeKind
from ..rules import appropriations as rules
from ..rules.values import check_positive
from .common import once_per_form


def do_create_office(
    government: LocalGovernment,
    *,
    year: int,
    code: str,
    name: str,
    kind: str,
    actor: User,
    staff_count: int | None = None,
) -> Office:
    """A 관서 of the year with its 정원 (`staff_count`), the data the small-office exception of R-EX-3 reads."""
    require(actor, CASH, government)
    if kind not in OfficeKind.values:
        raise InvalidInput(_("Unknown kind of office."), field="kind")
    if not (code or "").strip() or not (name or "").strip():
        raise InvalidInput(_("An office needs a code and a name."))
    _check_staff(staff_count)
    with transaction.atomic():
        try:
            with transaction.atomic():
                office = Office.objects.create(
                    government=government,
                    year=year,
                    code=code.strip(),
                    name=name.strip(),
                    kind=kind,
                    staff_count=staff_count,
                )
        except IntegrityError:
            raise Conflict(_("An office with this code exists already."), field="code") from None
        audit.record(
            actor,
            "execution.office.create",
            office,
            data={"code": code, "kind": kind, "staff_count": staff_count},
        )
    return office


def _check_staff(staff_count: int | None) -> None:
    if staff_count is not None and not 0 < staff_count <= 32767:
        raise InvalidInput(_("The authorised staff (정원) of an office is a positive number."), field="staff_count")


def do_set_office_staff(office: Office, *, staff_count: int | None, actor: User) -> Office:
    """The 정원 of an office changed (a reorganisation): the small-office exceptions of R-EX-3 and R-RV-3 read it
    from the next document on. Audited with the figure it replaces."""
    _check_staff(staff_count)
    government = LocalGovernment.objects.get(pk=office.government_id)
    require(actor, CASH, government)
    with transaction.atomic():
        before = Office.objects.select_for_update().get(pk=office.pk).staff_count
        Office.objects.filter(pk=office.pk).update(staff_count=staff_count)
        office.refresh_from_db()
        audit.record(
            actor,
            "execution.office.staff",
            office,
            government=government,
            data={"staff_count": staff_count, "before": before},
        )
    return office


def do_create_office_from_form(
    government: LocalGovernment,
    *,
    year: int,
    code: str,
    name: str,
    kind: str,
    staff_count: int | None,
    actor: User,
    form_key: str,
) -> Office:
    """A new 관서 from a screen: a second submission of the form answers with the office the first one created,
    not with "this code exists already"."""
    values = {
        "year": year,
        "code": code.strip(),
        "name": name.strip(),
        "kind": kind,
        "staff_count": staff_count,
    }

    def once() -> Office:
        return once_per_form(
            government.pk,
            actor=actor,
            form_key=form_key,
            kind="office",
            values=values,
            lock=lambda: None,
            call=lambda: do_create_office(
                government,
                year=year,
                code=code,
                name=name,
                kind=kind,
                staff_count=staff_count,
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


def do_allocate_cash(office: Office, *, amount: int, actor: User) -> Office:
    """자금배정: raise a 지출원 office's payment ceiling (지출한도, 지방회계법 시행령 §32)."""
    check_positive(amount)
    government = LocalGovernment.objects.get(pk=office.government_id)
    require(actor, CASH, government)
    rules.check_cash_office(office.kind)
    with transaction.atomic():
        Office.objects.filter(pk=office.pk).update(limit_amount=F("limit_amount") + amount)
        office.refresh_from_db()
        audit.record(actor, "execution.cash.allocate", office, government=government, data={"amount": amount})
    return office


def do_allocate_cash_from_form(office: Office, *, amount: int, actor: User, form_key: str) -> Office:
    """자금배정 submitted from a screen: at most once per form rendering."""
    return once_per_form(
        office.government_id,
        actor=actor,
        form_key=form_key,
        kind="cash",
        values={"office": office.pk, "amount": amount},
        lock=lambda: Office.objects.select_for_update().filter(pk=office.pk).first(),
        call=lambda: do_allocate_cash(office, amount=amount, actor=actor),
        load=lambda pk: Office.objects.get(pk=pk),
    )
