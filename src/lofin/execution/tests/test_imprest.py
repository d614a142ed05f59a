"""일상경비: advances to an 출납원 within the cap of each kind (R-EX-5), and their settlement by 20 January."""

import datetime as dt

import pytest
from django.test import Client

from lofin.accounting.models import JournalEntry
from lofin.core import audit, testing
from lofin.core.actions import do_create_token
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, SeparationOfDuties
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution import errors
from lofin.execution.actions import appropriations, commitments, imprest, offices
from lofin.execution.models import (
    BudgetLine,
    Commitment,
    ImprestAdvance,
    ImprestStatus,
    Office,
    PaymentOrder,
    Refund,
)
from lofin.execution.rules import imprest as imprest_rules
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db

DAY = dt.date(YEAR, 6, 1)
TODAY = dt.date(YEAR, 8, 1)


@pytest.fixture(autouse=True)
def clock(travel):
    travel(TODAY)


@pytest.fixture
def funded(ex):
    """경로당 allocated 300,000,000 won, the 지출원 office's ceiling 500,000,000, and the 재무관's commitment of
    100,000,000 to the cashier for 일상경비."""
    appropriations.do_allocate(ex.senior, amount=300_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=500_000_000, actor=ex.s.officer)
    ex.imprest = commit(ex, "chulnap")
    return ex


def commit(ex, creditor, key="c-imprest", actor=None, amount=100_000_000):
    return commitments.do_commit(
        ex.senior,
        amount=amount,
        creditor=creditor,
        purpose="일상경비 (여비)",
        actor=actor or ex.finance,
        idempotency_key=key,
        committed_on=DAY,
    )


def advance(ex, amount, kind="travel", key="a1", commitment=None, cashier=None, actor=None, on=DAY):
    return imprest.do_advance_imprest(
        commitment or ex.imprest,
        cashier=cashier or ex.cashier,
        kind=kind,
        amount=amount,
        office=ex.disbursing_office,
        payee_account="110-234-567890",
        payee_bank="농협",
        actor=actor or ex.disburser,
        idempotency_key=key,
        on=on,
    )


def settle(ex, adv, spent, returned, returned_on=None, actor=None):
    return imprest.do_settle_imprest(
        adv, spent=spent, returned=returned, returned_on=returned_on, actor=actor or ex.disburser
    )


def snapshot(ex):
    return (
        ImprestAdvance.objects.count(),
        PaymentOrder.objects.count(),
        Refund.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
        BudgetLine.objects.values_list("committed", "paid").get(pk=ex.senior.pk),
        list(Commitment.objects.order_by("pk").values_list("amount", "paid_amount")),
        Office.objects.values_list("paid_amount", flat=True).get(pk=ex.disbursing_office.pk),
        list(ImprestAdvance.objects.order_by("pk").values_list("status", "spent_amount", "returned_amount")),
    )


def money(ex):
    """(line paid, commitment paid, office paid) in won."""
    return (
        BudgetLine.objects.values_list("paid", flat=True).get(pk=ex.senior.pk),
        Commitment.objects.values_list("paid_amount", flat=True).get(pk=ex.imprest.pk),
        Office.objects.values_list("paid_amount", flat=True).get(pk=ex.disbursing_office.pk),
    )


CAPPED = [(kind, cap) for kind, cap in imprest_rules.IMPREST_CAPS.items() if cap is not None]


# --- advances ----------------------------------------------------------------------------------------------------


def test_an_advance_is_a_payment_order_to_the_cashier_against_the_commitment(funded):
    """지방회계법 §34: 일상경비 is advanced to an 출납원; the payment order goes to the cashier, who is the creditor
    of the 재무관's commitment (R-EX-4), and is charged to the line like any payment."""
    adv = advance(funded, 10_000_000)

    payment = adv.payment
    assert (adv.kind, adv.amount, adv.cashier, adv.line_id, adv.status) == (
        "travel",
        10_000_000,
        funded.cashier,
        funded.senior.pk,
        ImprestStatus.OPEN,
    )
    assert (payment.commitment_id, payment.amount, payment.payee_name, payment.issued_by, payment.issued_on) == (
        funded.imprest.pk,
        10_000_000,
        "chulnap",
        funded.disburser,
        DAY,
    )
    assert money(funded) == (10_000_000, 10_000_000, 10_000_000)
    event = AuditEvent.objects.get(action="execution.imprest.advance")
    assert (event.object_id, event.actor_id) == (str(adv.pk), funded.disburser.pk)
    assert {k: event.data[k] for k in ("kind", "amount", "commitment", "payment")} == {
        "kind": "travel",
        "amount": 10_000_000,
        "commitment": funded.imprest.pk,
        "payment": payment.pk,
    }
    assert AuditEvent.objects.filter(action="execution.payment.issue", object_id=str(payment.pk)).count() == 1
    assert [report.broken for report in audit.verify(funded.s.gov.code)] == [None]


@pytest.mark.parametrize(("kind", "cap"), CAPPED)
def test_an_advance_over_the_cap_of_its_kind_is_refused(funded, kind, cap):
    """R-EX-5 (지방회계법 시행령 §38): one advance for travel, remote offices, small payments, ships, outside the
    jurisdiction or materials is at most 10,000,000 won; for works, manufacturing or afforestation 20,000,000."""
    assert cap == (20_000_000 if kind in {"works", "manufacturing", "afforestation"} else 10_000_000)
    before = snapshot(funded)
    with pytest.raises(errors.ExecutionRuleViolation) as refused:
        advance(funded, cap + 1, kind=kind)
    assert (refused.value.code, refused.value.detail["rule"]) == ("execution_rule", "R-EX-5")
    assert snapshot(funded) == before

    assert advance(funded, cap, kind=kind).amount == cap
    assert money(funded)[0] == cap


def test_other_kinds_are_advanced_as_needed_and_unknown_kinds_are_refused(funded):
    """For the other listed expenses the decree sets no amount: what is needed (here 50,000,000 won)."""
    assert advance(funded, 50_000_000, kind="other").amount == 50_000_000
    before = snapshot(funded)
    with pytest.raises(InvalidInput) as refused:
        advance(funded, 1_000_000, kind="party", key="a2")
    assert refused.value.detail["field"] == "kind"
    assert snapshot(funded) == before


def test_an_advance_goes_only_to_the_cashier_the_commitment_names(funded):
    """R-EX-4 (지방회계법 §33): the payee is the creditor. A commitment to someone else cannot fund the cashier;
    someone who is not a cashier cannot receive it; a user of another government is not found."""
    other = commit(funded, "(주)한빛여행", key="c-other", amount=5_000_000)
    stranger = testing.official(testing.government("2600000"), Role.CASHIER, username="busan-cashier")
    before = snapshot(funded)
    with pytest.raises(errors.PayeeMismatch):
        advance(funded, 1_000_000, commitment=other)
    with pytest.raises(InvalidInput) as refused:
        advance(funded, 1_000_000, cashier=funded.finance)
    assert refused.value.detail["field"] == "cashier"
    with pytest.raises(NotFound):
        advance(funded, 1_000_000, cashier=stranger)
    assert snapshot(funded) == before


def test_the_disbursing_officer_advances_and_duties_stay_apart(funded):
    """Only the 지출원 orders the advance; a 재무관 who is also a cashier may not commit money to be advanced
    (R-EX-3, 지방회계법 §36), and an official of another government finds nothing."""
    outsider = testing.official(testing.government("2600000"), Role.DISBURSING_OFFICER, username="busan-pay")
    before = snapshot(funded)
    with pytest.raises(PermissionDenied):
        advance(funded, 1_000_000, actor=funded.finance)
    with pytest.raises(NotFound):
        advance(funded, 1_000_000, actor=outsider)
    assert snapshot(funded) == before

    both = testing.official(funded.s.gov, Role.FINANCE_OFFICER, Role.CASHIER, username="jaemu-chulnap")
    doubled = commit(funded, "chulnap", key="c-both", actor=both, amount=5_000_000)
    before = snapshot(funded)
    with pytest.raises(SeparationOfDuties):
        advance(funded, 1_000_000, commitment=doubled)
    assert snapshot(funded) == before


def test_an_advance_beyond_the_commitment_is_refused(funded):
    small = commit(funded, "chulnap", key="c-small", amount=3_000_000)
    before = snapshot(funded)
    with pytest.raises(errors.InsufficientCommitment):
        advance(funded, 3_000_001, commitment=small)
    assert snapshot(funded) == before


def test_a_retried_advance_returns_the_first_and_a_reused_key_is_refused(funded):
    first = advance(funded, 8_000_000, key="same")
    after = snapshot(funded)

    again = advance(funded, 8_000_000, key="same")

    assert again.pk == first.pk
    assert snapshot(funded) == after
    with pytest.raises(Conflict) as reused:
        advance(funded, 9_000_000, key="same")
    assert reused.value.code == "idempotency_key_reused"
    assert snapshot(funded) == after


# --- settlement --------------------------------------------------------------------------------------------------


def test_settlement_must_add_up_to_the_advance(funded):
    adv = advance(funded, 10_000_000)
    before = snapshot(funded)
    for spent, returned in ((7_500_000, 2_000_000), (10_000_000, 1), (-1, 10_000_001)):
        with pytest.raises(InvalidInput):
            settle(funded, adv, spent, returned, dt.date(YEAR, 7, 31))
    assert snapshot(funded) == before


def test_money_returned_in_the_year_restores_the_line(funded):
    """Unused 일상경비 comes back as a refund (반납) of the advance; before the closing deadline it restores the
    line, the commitment and the office's ceiling (지방회계법 §27)."""
    adv = advance(funded, 10_000_000)

    settled = settle(funded, adv, 7_500_000, 2_500_000, dt.date(YEAR, 7, 31))

    assert (settled.status, settled.spent_amount, settled.returned_amount) == (
        ImprestStatus.SETTLED,
        7_500_000,
        2_500_000,
    )
    assert money(funded) == (7_500_000, 7_500_000, 7_500_000)
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.amount, refund.received_on, refund.restored_line) == (
        adv.payment_id,
        2_500_000,
        dt.date(YEAR, 7, 31),
        True,
    )
    event = AuditEvent.objects.get(action="execution.imprest.settle")
    assert event.data == {
        "spent": 7_500_000,
        "returned": 2_500_000,
        "returned_on": "2026-07-31",
        "refund": refund.pk,
        "restored_line": True,
        "late": False,
    }
    assert AuditEvent.objects.filter(action="execution.refund").count() == 1

    # Settled again with the same figures: the same advance, nothing new; other figures are refused.
    after = snapshot(funded)
    assert settle(funded, adv, 7_500_000, 2_500_000, dt.date(YEAR, 7, 31)).pk == adv.pk
    assert snapshot(funded) == after
    with pytest.raises(Conflict):
        settle(funded, adv, 10_000_000, 0)
    assert snapshot(funded) == after


def test_an_advance_spent_in_full_settles_without_a_refund(funded):
    adv = advance(funded, 10_000_000)
    settled = settle(funded, adv, 10_000_000, 0)
    assert (settled.status, settled.returned_amount) == (ImprestStatus.SETTLED, 0)
    assert Refund.objects.count() == 0
    assert money(funded) == (10_000_000, 10_000_000, 10_000_000)


@pytest.mark.parametrize(
    ("returned_on", "restores"),
    [(dt.date(YEAR + 1, 1, 20), True), (dt.date(YEAR + 1, 1, 21), False)],
)
def test_unused_imprest_restores_the_line_only_when_back_by_20_january(funded, travel, returned_on, restores):
    """Unused 일상경비 must reach the 금고 by 20 January (지방회계법 §7②); then it restores the year's line, later
    it is revenue of the year it arrives in (R-FY-4) and the settlement is marked late."""
    travel(dt.date(YEAR + 1, 2, 1))
    adv = advance(funded, 10_000_000, on=dt.date(YEAR, 12, 20))

    settle(funded, adv, 6_000_000, 4_000_000, returned_on)

    assert Refund.objects.get().restored_line is restores
    assert money(funded) == ((6_000_000,) * 3 if restores else (10_000_000,) * 3)
    event = AuditEvent.objects.get(action="execution.imprest.settle")
    assert (event.data["restored_line"], event.data["late"]) == (restores, not restores)


def test_the_return_date_must_be_given_and_plausible(funded):
    adv = advance(funded, 10_000_000)
    before = snapshot(funded)
    for returned_on in (None, DAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            settle(funded, adv, 9_000_000, 1_000_000, returned_on)
        assert refused.value.detail["field"] == "returned_on"
    assert snapshot(funded) == before


def test_only_the_disbursing_officer_of_the_government_settles(funded):
    adv = advance(funded, 10_000_000)
    outsider = testing.official(testing.government("2600000"), Role.DISBURSING_OFFICER, username="busan-pay")
    before = snapshot(funded)
    with pytest.raises(PermissionDenied):
        settle(funded, adv, 10_000_000, 0, actor=funded.finance)
    with pytest.raises(NotFound):
        settle(funded, adv, 10_000_000, 0, actor=outsider)
    assert snapshot(funded) == before


# --- API ---------------------------------------------------------------------------------------------------------


def client_for(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def body(ex, **change):
    return {
        "commitment_id": ex.imprest.pk,
        "cashier": "chulnap",
        "kind": "travel",
        "amount": 10_000_000,
        "payee_account": "110-234-567890",
        "advanced_on": DAY.isoformat(),
        **change,
    }


def post(client, payload, key="k1"):
    return client.post(
        "/api/v1/execution/imprest-advances", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_api_advances_201_replays_lists_and_settles(funded):
    client = client_for(funded.disburser)
    created = post(client, body(funded))
    assert created.status_code == 201, created.json()
    adv = ImprestAdvance.objects.get()
    expected = {
        "id": adv.pk,
        "budget_line_id": funded.senior.pk,
        "commitment_id": funded.imprest.pk,
        "payment_order_id": adv.payment_id,
        "payment_number": adv.payment.number,
        "cashier": "chulnap",
        "kind": "travel",
        "amount": 10_000_000,
        "spent_amount": 0,
        "returned_amount": 0,
        "status": "open",
        "advanced_on": DAY.isoformat(),
    }
    assert created.json() == expected
    again = post(client, body(funded))
    assert (again.status_code, again.json()) == (201, expected)
    listed = client.get(f"/api/v1/execution/imprest-advances?government=1100000&year={YEAR}")
    assert listed.json() == [expected]

    path = f"/api/v1/execution/imprest-advances/{adv.pk}/settlement"
    wrong = client.post(path, {"spent": 1, "returned": 1}, content_type="application/json")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_input")
    settled = client.post(
        path, {"spent": 7_000_000, "returned": 3_000_000, "returned_on": "2026-07-20"}, content_type="application/json"
    )
    assert settled.status_code == 200
    assert {k: settled.json()[k] for k in ("status", "spent_amount", "returned_amount")} == {
        "status": "settled",
        "spent_amount": 7_000_000,
        "returned_amount": 3_000_000,
    }
    assert money(funded) == (7_000_000, 7_000_000, 7_000_000)
    other = client.post(path, {"spent": 10_000_000, "returned": 0}, content_type="application/json")
    assert (other.status_code, other.json()["code"]) == (409, "conflict")
    outsider = testing.official(testing.government("2600000"), Role.DISBURSING_OFFICER, username="busan-pay")
    hidden = client_for(outsider).post(path, {"spent": 10_000_000, "returned": 0}, content_type="application/json")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": 10_000_001}, 409, "execution_rule"),
        ({"kind": "works", "amount": 20_000_001}, 409, "execution_rule"),
        ({"kind": "party"}, 422, "invalid_input"),
        ({"cashier": "jaemu"}, 422, "invalid_input"),
        ({"cashier": "nobody"}, 404, "not_found"),
        ({"commitment_id": 10**9}, 404, "not_found"),
        ({"commitment_id": "other"}, 422, "payee_mismatch"),
        ({"amount": 0}, 422, "invalid_input"),
        ({"advanced_on": f"{YEAR + 1}-01-05"}, 409, "closed_period"),
        ({"office_code": "NONE"}, 422, "invalid_input"),
    ],
)
def test_api_advance_refusals_have_named_codes_and_write_nothing(funded, change, status, code):
    if change.get("commitment_id") == "other":
        change = {"commitment_id": commit(funded, "(주)한빛여행", key="c-other", amount=5_000_000).pk}
    client = client_for(funded.disburser)
    before = snapshot(funded)
    refused = post(client, body(funded, **change))
    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert refused.json()["message"]
    assert snapshot(funded) == before


def test_api_advance_refuses_roles_and_outsiders(funded):
    assert post(client_for(funded.finance), body(funded)).status_code == 403
    outsider = testing.official(testing.government("2600000"), Role.DISBURSING_OFFICER, username="busan-pay")
    assert post(client_for(outsider), body(funded)).status_code == 404
    listed = client_for(outsider).get(f"/api/v1/execution/imprest-advances?government=1100000&year={YEAR}")
    assert listed.status_code == 404
    assert ImprestAdvance.objects.count() == 0
