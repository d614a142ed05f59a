"""The screens that cancel or correct a 징수결의: who may open them, the correction as a new decision linked to the
old, and the refusals shown next to their field with nothing written."""

import datetime as dt

import pytest

from lofin.core import testing
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.actions import revenue
from lofin.execution.models import Assessment, Receipt
from lofin.execution.testing import YEAR
from lofin.execution.tests.screens import base, build_world, client, form_key, ko, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(db, travel):
    prepare(travel)


@pytest.fixture
def world(ex):
    return build_world(ex)


def rows():
    """What a refused request must leave as it was (a refused page request is itself logged, so not every event)."""
    revenue_events = AuditEvent.objects.filter(action__startswith="execution.revenue")
    return Assessment.objects.count(), Receipt.objects.count(), revenue_events.count()


def test_only_the_collector_of_the_government_opens_the_cancel_and_correct_screens(world):
    ex = world
    b = base(ex)
    busan = testing.official(testing.government("2600000"), Role.REVENUE_OFFICER, username="busan-jingsu")
    for user, expected in ((ex.revenue, 200), (ex.cashier, 403), (ex.finance, 403), (busan, 404)):
        for path in (f"{b}/assessments/{ex.assessment.pk}/cancel/", f"{b}/assessments/{ex.assessment.pk}/correct/"):
            assert client(user).get(path).status_code == expected, (user.username, path)
    before = rows()
    assert client(ex.cashier).post(f"{b}/assessments/{ex.assessment.pk}/correct/", {}).status_code == 403
    assert rows() == before


def test_a_correction_from_the_screen_is_a_new_decision_linked_to_the_old(world):
    ex = world
    c = client(ex.revenue)
    detail = c.get(f"{base(ex)}/assessments/{ex.assessment.pk}/").content.decode()
    assert ko("Correct the decision (정정)") in detail
    # 200,000 won were taken in cash: the decision can be corrected, not cancelled.
    assert ko("Cancel the decision (취소)") not in detail
    path = f"{base(ex)}/assessments/{ex.assessment.pk}/correct/"
    page = c.get(path)
    assert page.context["form"]["amount"].value() == "1,200,000"
    data = {
        "amount": "1,000,000",
        "payer_name": "김납세",
        "payer_number": "",
        "due_on": "",
        "reason": "과세표준 착오",
        "corrected_on": f"{YEAR}-11-26",
        "idempotency_key": form_key(page),
    }
    before = rows()
    too_low = c.post(path, {**data, "amount": "100,000"})
    assert ko("Correct the assessment (징수결의 정정)") in too_low.content.decode()
    assert too_low.context["form"].errors["amount"]
    assert rows() == before
    done = c.post(path, data)
    new = Assessment.objects.get(corrects=ex.assessment)
    assert done.status_code == 302 and done["Location"].endswith(f"/assessments/{new.pk}/")
    assert (new.amount, new.collected_amount, new.outstanding) == (1_000_000, 200_000, 800_000)
    assert c.post(path, data).status_code == 302  # the same form again: the first correction
    assert Assessment.objects.filter(corrects=ex.assessment).count() == 1
    old = c.get(f"{base(ex)}/assessments/{ex.assessment.pk}/").content.decode()
    assert "과세표준 착오" in old and ko("Open the corrected assessment") in old
    assert ko("Open the earlier decision") in c.get(f"{base(ex)}/assessments/{new.pk}/").content.decode()


def test_cancelling_from_the_screen_once_per_form_and_refused_when_money_was_received(world):
    ex = world
    c = client(ex.revenue)
    paid = f"{base(ex)}/assessments/{ex.assessment.pk}/cancel/"
    assert c.get(paid).context["unavailable"] == ko(
        "Money has been received against this assessment: refund it first, or correct the decision."
    )
    before = rows()
    refused = c.post(paid, {"reason": "착오", "cancelled_on": f"{YEAR}-11-26", "idempotency_key": "k" * 32})
    assert refused.context["form"].errors["reason"]
    assert rows() == before
    fresh = revenue.do_assess(
        ex.s.general, revenue_code="212", payer_name="이중부과", amount=50_000, actor=ex.revenue, idempotency_key="x1"
    )
    path = f"{base(ex)}/assessments/{fresh.pk}/cancel/"
    data = {"reason": "이중 부과", "cancelled_on": f"{YEAR}-11-26", "idempotency_key": form_key(c.get(path))}
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302
    fresh.refresh_from_db()
    assert (fresh.status, fresh.cancelled_on, fresh.cancel_reason) == ("cancelled", dt.date(YEAR, 11, 26), "이중 부과")
    assert AuditEvent.objects.filter(action="execution.revenue.cancel", object_id=str(fresh.pk)).count() == 1
    assert (
        ko("This assessment is no longer open: it cannot be cancelled or corrected.")
        == c.get(path).context["unavailable"]
    )


def test_R_RV_7_the_refund_screen_of_a_local_tax_names_its_own_law(world):
    ex = world
    page = client(ex.revenue).get(f"{base(ex)}/receipts/{ex.receipt.pk}/refund/")
    assert (
        ko(
            "A local tax follows 지방세기본법 §62: the refund counts from the last payment, then the ones before it, "
            "whichever receipt it is recorded against."
        )
        in page.context["rules"]
    )
