"""The core screens that write: a document drafted on the screen is written once per rendering of its form, and
what people type is read with the bounds of `core.types`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from lofin.core.errors import KeyReused
from lofin.core.models import ApprovalRequest, AuditEvent, Delegation, User
from lofin.core.roles import AccountType

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafting(org) -> Client:
    client = Client()
    client.force_login(org["staff"])
    return client


def draft(client: Client, org: dict[str, User], key: str, **changes: str):
    data = {
        "title": "청사 보수 계획",
        "amount": "1,000,000",
        "action": "submit",
        "step-0-kind": "approve",
        "step-0-assignee": str(org["chief"].pk),
        "idempotency_key": key,
        **changes,
    }
    return client.post("/g/1100000/draft/", data)


def counts() -> tuple[int, int]:
    return ApprovalRequest.objects.count(), AuditEvent.objects.count()


def test_a_second_submission_of_the_same_form_gets_the_first_document(drafting, org):
    first = draft(drafting, org, "form-key-0001")
    again = draft(drafting, org, "form-key-0001")
    assert first.status_code == again.status_code == 302
    assert first.url == again.url
    assert ApprovalRequest.objects.get().amount == 1_000_000


@pytest.mark.parametrize(
    "change",
    [{"title": "다른 문서"}, {"amount": "2,000,000"}, {"step-0-kind": "review", "step-1-kind": "approve"}],
    ids=["title", "amount", "line"],
)
def test_the_same_form_sent_with_another_value_is_refused_and_writes_nothing(drafting, org, change):
    draft(drafting, org, "form-key-0002")
    if "step-1-kind" in change:
        change["step-1-assignee"] = str(org["director"].pk)
    before = counts()
    response = draft(drafting, org, "form-key-0002", **change)
    assert response.status_code == 200
    with translation.override(response.headers["Content-Language"]):
        assert response.context["form"].non_field_errors() == [str(KeyReused.default_message)]
    assert counts() == before


def appoint(client: Client, org: dict[str, User], key: str, **changes: str):
    data = {
        "substitute": str(org["colleague"].pk),
        "starts_at": "2026-12-20T09:00",
        "ends_at": "2026-12-24T18:00",
        "reason": "연가",
        "idempotency_key": key,
        **changes,
    }
    return client.post("/g/1100000/delegations/", data)


def test_an_acting_approver_is_appointed_once_per_rendering_of_the_form(drafting, org, travel):
    travel(dt.date(2026, 12, 8))  # the appointment's dates lie ahead
    first = appoint(drafting, org, "form-key-0003")
    again = appoint(drafting, org, "form-key-0003")
    assert first.status_code == again.status_code == 302
    assert Delegation.objects.get().substitute == org["colleague"]
    before = (Delegation.objects.count(), AuditEvent.objects.count())
    changed = appoint(drafting, org, "form-key-0003", reason="출장")
    assert changed.status_code == 200
    with translation.override(changed.headers["Content-Language"]):
        assert changed.context["form"].non_field_errors() == [str(KeyReused.default_message)]
    assert (Delegation.objects.count(), AuditEvent.objects.count()) == before
    assert appoint(drafting, org, "form-key-0004", reason="출장").status_code == 302
    assert Delegation.objects.count() == 2


@pytest.mark.parametrize("amount", ["١٠٠٠", "1.5", "-1000", str(10**15 + 1)])
def test_an_amount_that_is_not_whole_ascii_won_is_refused(drafting, org, amount):
    before = counts()
    response = draft(drafting, org, "form-key-0003", amount=amount)
    assert response.status_code == 200 and response.context["form"].errors["amount"]
    assert counts() == before


def signup(**changes: str):
    data = {
        "account_type": AccountType.SUPPLIER,
        "government": "",
        "display_name": "홍길동",
        "username": "hong",
        "organisation": "(주)가나",
        "business_number": "204-86-31263",
        "password": "a-long-enough-password",
        "password_again": "a-long-enough-password",
        **changes,
    }
    return Client().post("/accounts/signup/", data)


def test_a_business_number_is_checked_for_those_who_keep_one(seoul):
    refused = signup(government=str(seoul.pk), business_number="١٢٣٤٥٦٧٨٩٠")
    assert refused.status_code == 200 and refused.context["form"].errors["business_number"]
    assert signup(government=str(seoul.pk)).status_code == 302
    assert User.objects.get(username="hong").business_number == "2048631263"


def test_a_resident_keeps_no_business_number_whatever_was_typed(seoul):
    response = signup(government=str(seoul.pk), account_type=AccountType.RESIDENT, business_number="not a number")
    assert response.status_code == 302
    assert User.objects.get(username="hong").business_number == ""
