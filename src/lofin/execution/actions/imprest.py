"""Writers of 일상경비 (imprest): an advance to an 출납원 and its settlement.

Imprest (지방회계법 §34, 시행령 §38): an advance to an 일상경비 출납원 is a payment order by the 지출원 to the
cashier against a commitment the 재무관 made to that cashier (payee = the cashier as creditor, R-EX-4), through
the ordinary payment action, so every budget check, journal entry and separation-of-duties rule applies; unused
money comes back as a refund, which restores the line when it arrives by 20 January of the next year.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, idempotency
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require, roles_in

from ..access import PAY
from ..errors import PayeeMismatch
from ..models import Commitment, ImprestAdvance, ImprestStatus, Office, PaymentOrder
from ..queries.offices import is_cashier
from ..rules import imprest as rules
from ..rules.payments import same_person
from ..rules.values import check_not_negative, check_positive
from . import payments
from .common import lock_line

# Advances are payment orders: their keys are kept apart from the keys of other payment orders.
KEY_PREFIX = "imprest:"


def _check_cashier(user: User, government: LocalGovernment) -> None:
    if not roles_in(user, government):
        raise NotFound()
    if not is_cashier(user, government):
        raise InvalidInput(_("An imprest is advanced to a cashier (출납원) of this government."), field="cashier")


def do_advance_imprest(
    commitment: Commitment,
    *,
    cashier: User,
    kind: str,
    amount: int,
    office: Office,
    actor: User,
    idempotency_key: str,
    payee_account: str,
    payee_bank: str = "금고",
    on: dt.date | None = None,
) -> ImprestAdvance:
    """일상경비 advance to an 출납원, within the cap of its kind (R-EX-5).

    Two people act, as the law requires (R-EX-3): the 재무관 has committed the line to the cashier (the
    commitment's creditor is the cashier), and `actor`, the 지출원, orders the payment from `office` (a
    disbursing office) through the ordinary payment action. Refused anywhere, nothing is written. A retry with
    the same key returns the first advance; the same key with anything else is refused."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "imprest",
        commitment=commitment,
        cashier=cashier,
        kind=kind,
        amount=amount,
        office=office,
        payee_account=payee_account,
        payee_bank=payee_bank,
        on=on,
    )
    rules.check_imprest(kind, amount)
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, PAY, government)
    _check_cashier(cashier, government)
    if not any(same_person(commitment.creditor, name) for name in (str(cashier), cashier.username)):
        raise PayeeMismatch(
            _("An imprest is paid to the cashier the 재무관 committed it to (지방회계법 §33)."),
            creditor=commitment.creditor,
            payee=str(cashier),
        )
    key = f"{KEY_PREFIX}{idempotency_key}" if idempotency_key else ""
    stored = idempotency.scoped_key(government.pk, actor, key)
    with transaction.atomic():
        # The line first, as on every money path: a concurrent retry waits here and then finds the first advance.
        lock_line(commitment.line_id)
        done = PaymentOrder.objects.filter(idempotency_key=stored).first()
        if done is not None:
            advance = ImprestAdvance.objects.filter(payment=done).first()
            if advance is None:
                raise idempotency.KeyReused()
            return idempotency.replay(advance, request)
        # R-EX-5: the cashier's open advances of the kind count against its ceiling. The cashier's row, locked after
        # the line, orders two advances to one cashier from different lines one after the other.
        User.objects.select_for_update().filter(pk=cashier.pk).first()
        day = on or clock.today()
        open_amount = (
            ImprestAdvance.objects.filter(
                government=government,
                cashier=cashier,
                kind__in=rules.cap_group(kind),
                status=ImprestStatus.OPEN,
                payment__issued_on__gt=rules.period_start(kind, day),
                payment__issued_on__lte=day,
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        rules.check_imprest(kind, amount, open_amount=open_amount)
        payment = payments.do_issue_payment(
            commitment,
            amount=amount,
            payee_name=commitment.creditor,
            payee_bank=payee_bank,
            payee_account=payee_account,
            office=office,
            actor=actor,
            idempotency_key=key,
            issued_on=day,
        )
        advance = ImprestAdvance.objects.create(
            government=government,
            line_id=commitment.line_id,
            payment=payment,
            cashier=cashier,
            kind=kind,
            amount=amount,
        )
        audit.record(
            actor,
            "execution.imprest.advance",
            advance,
            government=government,
            data={
                "line": commitment.line_id,
                "kind": kind,
                "amount": amount,
                "cashier": cashier.pk,
                "commitment": commitment.pk,
                "payment": payment.pk,
                "fingerprint": request,
            },
        )
    return advance


def do_settle_imprest(
    advance: ImprestAdvance,
    *,
    spent: int,
    returned: int,
    returned_on: dt.date | None,
    actor: User,
) -> ImprestAdvance:
    """정산: the cashier accounts for the advance — what was spent and what comes back — and the 지출원 records it.

    The money returned is a refund (반납) of the advance's payment order: by 20 January of the next year it
    restores the line (the commitment is open again for it, and the 재무관 may cancel it to free the allocation);
    later it is revenue of the year it arrives in, and the audit row marks the return as late (지방회계법 §7②).
    Settling again with the same figures returns the settled advance; other figures are refused."""
    check_not_negative(spent, "spent")
    check_not_negative(returned, "returned")
    government = LocalGovernment.objects.get(pk=advance.government_id)
    require(actor, PAY, government)
    advance = ImprestAdvance.objects.select_related("payment").get(pk=advance.pk)
    rules.check_settlement(advance.amount, spent, returned)
    payment = advance.payment
    if not returned:
        returned_on = None
    else:
        rules.check_return_day(payment.issued_on, returned_on, clock.today())
    late = rules.return_is_late(payment.fiscal_year, returned_on)
    with transaction.atomic():
        # The line first, as on every money path; the refund below takes the rest in the same order.
        lock_line(advance.line_id)
        settled = ImprestAdvance.objects.filter(pk=advance.pk, status=ImprestStatus.OPEN).update(
            spent_amount=spent, returned_amount=returned, status=ImprestStatus.SETTLED
        )
        if settled != 1:
            advance.refresh_from_db()
            if (advance.spent_amount, advance.returned_amount) == (spent, returned):
                return advance
            raise Conflict(_("This advance has already been settled."), reason="settled")
        refund = None
        if returned:
            assert returned_on is not None
            refund = payments.do_record_refund(
                payment,
                amount=returned,
                received_on=returned_on,
                actor=actor,
                idempotency_key=f"imprest-return:{advance.pk}",
            )
        advance.refresh_from_db()
        audit.record(
            actor,
            "execution.imprest.settle",
            advance,
            government=government,
            data={
                "spent": spent,
                "returned": returned,
                "returned_on": returned_on,
                "refund": refund.pk if refund else None,
                "restored_line": bool(refund and refund.restored_line),
                "late": late,
            },
        )
    return advance
