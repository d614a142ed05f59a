"""The operator edits the 자동분개 mapping in the console: validated, audited, never deleted."""

import pytest
from django.test import Client

from lofin.accounting import chart
from lofin.accounting.models import ChartVersion, LedgerMapping
from lofin.core import testing
from lofin.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(settings):
    settings.LOFIN_ADMIN_OTP = False
    client = Client()
    client.force_login(testing.bootstrap_operator())
    return client


def form(mapping, **changes):
    data = {
        "version": mapping.version_id,
        "side": mapping.side,
        "code": mapping.code,
        "name": mapping.name,
        "debit_code": mapping.debit_code,
        "credit_code": mapping.credit_code,
        "useful_life": mapping.useful_life,
        "asset_class": mapping.asset_class,
    }
    return data | changes


def test_the_operator_changes_a_rule_in_the_console(console):
    mapping = LedgerMapping.objects.get(side="expense", code="2")
    url = f"/admin/accounting/ledgermapping/{mapping.pk}/change/"
    assert console.get("/admin/accounting/ledgermapping/").status_code == 200
    r = console.post(url, form(mapping, debit_code="5000"))
    assert r.status_code == 200 and "5000" in r.content.decode()
    mapping.refresh_from_db()
    assert mapping.debit_code == "5200"
    r = console.post(url, form(mapping, debit_code="5900"))
    assert r.status_code == 302
    assert chart.expense_rule("201-01").debit == "5900"
    assert AuditEvent.objects.filter(action="admin.accounting.ledgermapping.change").count() == 1
    assert console.post(f"/admin/accounting/ledgermapping/{mapping.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LedgerMapping.objects.filter(pk=mapping.pk).exists()
    assert console.get(f"/admin/accounting/chartversion/{ChartVersion.objects.get().pk}/change/").status_code == 200
