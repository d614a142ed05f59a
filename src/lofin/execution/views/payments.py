"""반납: money paid on a payment order comes back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core import fiscal
from lofin.core.fiscal import ClosingException
from lofin.core.http import TenantRequest
from lofin.core.permissions import require

from ..access import PAY
from ..actions import payments
from ..forms import PaymentRefundForm
from ..queries import dashboard as table
from ..queries.appropriations import object_names
from .common import line_or_404, payment_or_404, submit


@require_http_methods(["GET", "POST"])
def refund_payment(request: TenantRequest, gov_code: str, payment_id: int) -> HttpResponse:
    payment = payment_or_404(request, payment_id)
    require(request.user, PAY, request.government)
    line = line_or_404(request, payment.commitment.line_id)
    returnable = payment.amount - payment.refunded_amount
    form = PaymentRefundForm(request.POST or None, initial={"amount": f"{returnable:,}" if returnable > 0 else ""})
    if request.method == "POST":
        done = submit(
            form,
            lambda d: payments.do_record_refund(
                payment,
                amount=d["amount"],
                received_on=d["received_on"],
                exception=ClosingException(d["exception"]) if d.get("exception") else None,
                actor=request.user,
                idempotency_key=form.key,
            ),
            {"conflict": "amount", "invalid_input": "exception"},
        )
        if done is not None:
            if done.restored_line:
                text = _("%(amount)s won came back and are available on the line again.")
            else:
                text = _("%(amount)s won came back too late for the line and are recorded as revenue of the year.")
            messages.success(request, text % {"amount": f"{done.amount:,}"})
            return redirect("execution:line", gov_code, line.pk)
    deadline = fiscal.exception_deadline(payment.fiscal_year)
    return render(
        request,
        "execution/form.html",
        {
            "government": request.government,
            "year": line.year,
            "line": line,
            "row": table.row(line, object_names(line.year)),
            "payment": payment,
            "returnable": returnable,
            "form": form,
            "title": _("Record money that came back (반납)"),
            "submit_label": _("Record the return"),
            "unavailable": None if returnable > 0 else _("Everything paid on this order has come back already."),
            "rules": [
                _(
                    "Received by %(deadline)s, the money restores the line, the commitment and the disbursing "
                    "office's ceiling of %(year)s (지방회계법 §27)."
                )
                % {"deadline": deadline.isoformat(), "year": payment.fiscal_year},
                _("Received later, it is revenue of the year it arrives in; the line stays as it is."),
                _("At most what was paid and has not come back yet."),
            ],
        },
    )
