"""The demo's books (written in bulk by demo/execution/write.py) follow the same mapping as the actions: they
balance, reconcile with the cash paid, register the assets bought, and pass bean-check."""

from __future__ import annotations

from collections import defaultdict

import pytest
from beancount import loader
from beancount.core.data import Transaction
from django.db import connection
from django.db.models import Sum

from lofin.accounting import beancount_export, chart, queries
from lofin.accounting.models import FixedAsset, JournalLine
from lofin.closing import queries as closing_queries
from lofin.core.models import LocalGovernment
from lofin.demo import registry
from lofin.demo.execution import YEARS
from lofin.execution.models import PaymentOrder

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def tiny(db):
    registry.run("tiny")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounting_journalentry, accounting_journalline, execution_paymentorder")
    return list(LocalGovernment.objects.filter(pk__in=PaymentOrder.objects.values("government_id")).distinct())


def test_demo_books_reconcile_register_assets_and_pass_bean_check(tiny, tmp_path):
    assert tiny
    for gov in tiny:
        for year in YEARS:
            assert closing_queries.cash_reconciliation(gov.pk, year) == []
            tb = queries.trial_balance(gov, year)
            assert tb.total_debit == tb.total_credit > 0
    # Every payment line's debit is the mapped account of its line's 통계목.
    for code, ledger in PaymentOrder.objects.values_list("commitment__line__object_code", "pk")[:200]:
        lines = set(
            JournalLine.objects.filter(entry__source_type="execution.payment", entry__source_id=ledger)
            .filter(debit__gt=0)
            .values_list("ledger_code", flat=True)
        )
        assert chart.expense_rule(code).debit in lines
    capital = PaymentOrder.objects.filter(commitment__line__object_code__regex=r"^40[15]")
    assert FixedAsset.objects.count() == capital.count() > 0
    assert FixedAsset.objects.aggregate(s=Sum("cost"))["s"] == capital.aggregate(s=Sum("amount"))["s"]
    gov, year = tiny[0], YEARS[-1]
    out = tmp_path / "demo.beancount"
    beancount_export.export(out, gov.pk, year)
    entries, errors, _options = loader.load_file(str(out))
    assert errors == []
    sums: dict[str, int] = defaultdict(int)
    for e in entries:
        if isinstance(e, Transaction):
            for posting in e.postings:
                sums[posting.account.rsplit(":L", 1)[1]] += int(posting.units.number)
    assert {r.code: r.balance for r in queries.trial_balance(gov, year).rows} == dict(sums)
