"""Confirming a version runs what other services registered (budget.hooks), inside the confirmation's
transaction, without budget knowing who they are."""

import pytest

from lofin.budget import hooks
from lofin.budget.actions import adjustment, confirmation, council
from lofin.budget.actions import setup as setup_actions
from lofin.budget.models import BudgetVersion, VersionStatus
from lofin.core import clock
from lofin.core.approvals import actions as approvals

from .conftest import YEAR, request_all

pytestmark = pytest.mark.django_db


def voted(s):
    version = setup_actions.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    adjustment.do_close_requests(version, actor=s.officer)
    adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="bill")
    version.refresh_from_db()
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    version.refresh_from_db()
    return council.do_record_vote(version, voted_on=clock.today(), actor=s.officer)


def test_a_registered_callback_sees_the_confirmed_version(setup, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "CONFIRMED_CALLBACKS", [])
    hooks.on_version_confirmed(lambda version, *, actor: seen.append((version.status, actor)))
    hooks.on_version_confirmed(hooks.CONFIRMED_CALLBACKS[0])  # registering it again keeps one
    version = confirmation.do_confirm(voted(setup), actor=setup.officer)
    assert seen == [(VersionStatus.CONFIRMED, setup.officer)]
    assert version.status == VersionStatus.CONFIRMED


def test_a_failing_callback_undoes_the_confirmation(setup, monkeypatch):
    def refuse(version, *, actor):
        raise RuntimeError("execution refused")

    monkeypatch.setattr(hooks, "CONFIRMED_CALLBACKS", [refuse])
    version = voted(setup)
    with pytest.raises(RuntimeError):
        confirmation.do_confirm(version, actor=setup.officer)
    assert BudgetVersion.objects.get(pk=version.pk).status == VersionStatus.VOTED
