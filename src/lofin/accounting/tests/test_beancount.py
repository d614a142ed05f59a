"""The books exported to beancount pass bean-check, and beancount's balances are the trial balance."""

import datetime as dt
import subprocess
import sys
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from beancount import loader
from beancount.core.data import Transaction
from django.core.management import call_command

from lofin.accounting import actions, assets, beancount_export, queries
from lofin.accounting.models import JournalEntry
from lofin.core import testing
from lofin.core.approvals import actions as approvals
from lofin.core.roles import Role
from lofin.execution.actions import payments, revenue
from lofin.execution.testing import YEAR

from .helpers import DAY, capital_line, commit, funded, pay

pytestmark = pytest.mark.django_db


def demo_like_year(ex):
    """Commitments, payments with withholdings, a 반납, an asset and its depreciation, revenue decided and
    collected, and an approved adjusting entry with a quote in its description."""
    collector = testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu")
    funded(ex, amount=300_000_000)
    c = commit(ex, 50_000_000)
    p = pay(ex, c, 20_000_000, withholdings=[("income_tax", 660_000), ("local_income_tax", 66_000)])
    pay(ex, c, 10_000_000, key="p2", on=dt.date(YEAR, 8, 3))
    payments.do_record_refund(
        p, amount=1_000_000, received_on=dt.date(YEAR, 9, 1), actor=ex.disburser, idempotency_key="r"
    )
    assessment = revenue.do_assess(
        ex.s.general,
        revenue_code="212",
        payer_name="홍길동",
        amount=800_000,
        actor=collector,
        idempotency_key="a",
        assessed_on=DAY,
    )
    revenue.do_record_receipt(
        assessment,
        amount=500_000,
        received_on=dt.date(YEAR, 7, 1),
        channel="treasury",
        actor=collector,
        idempotency_key="rc",
    )
    line = capital_line(ex, "405-01")
    pay(ex, commit(ex, 9_000_000, key="c2", line=line), 9_000_000, key="p3")
    assets.do_post_depreciation(ex.s.gov, YEAR, actor=ex.disburser)
    m = actions.do_propose_manual_entry(
        ex.s.gov,
        account=ex.s.general,
        posted_on=dt.date(YEAR, 12, 31),
        kind="accrual",
        description='미지급 "용역비" \\ 정리',
        lines=[("5200", 300_000, 0), ("2120", 0, 300_000)],
        approval_line=[("approve", ex.s.mayor)],
        actor=ex.finance,
        idempotency_key="m",
    )
    approvals.do_approve(m.approval_id, actor=ex.s.mayor)


def test_the_export_passes_bean_check_and_balances_equal_the_trial_balance(ex, tmp_path):
    demo_like_year(ex)
    out = tmp_path / "books.beancount"
    stdout = StringIO()
    call_command(
        "accounting",
        "export-beancount",
        "--government",
        ex.s.gov.code,
        "--year",
        str(YEAR),
        "--out",
        str(out),
        stdout=stdout,
    )
    assert "entries" in stdout.getvalue()
    entries, errors, _options = loader.load_file(str(out))
    assert errors == []
    sums: dict[str, int] = defaultdict(int)
    transactions = 0
    for e in entries:
        if isinstance(e, Transaction):
            transactions += 1
            assert e.meta["source"].count(":") >= 1 and e.meta["entry"] > 0
            for posting in e.postings:
                sums[posting.account.rsplit(":L", 1)[1]] += int(posting.units.number)
    tb = queries.trial_balance(ex.s.gov, YEAR)
    assert {r.code: r.balance for r in tb.rows} == {k: v for k, v in sums.items()}
    assert transactions == JournalEntry.objects.filter(government=ex.s.gov, fiscal_year=YEAR).count()
    # The bean-check program too, as a user would run it (installed beside this Python by `make test`).
    bean_check = Path(sys.executable).parent / "bean-check"
    done = subprocess.run([str(bean_check), str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_wrong_balance_is_caught_by_bean_check(ex, tmp_path):
    """The balance assertions really check: an export whose trial balance differed would fail."""
    demo_like_year(ex)
    buffer = StringIO()
    beancount_export.write(buffer, ex.s.gov.pk, YEAR)
    text = buffer.getvalue().replace("balance Assets:L1110  ", "balance Assets:L1110  1")
    path = tmp_path / "tampered.beancount"
    path.write_text(text, encoding="utf-8")
    _entries, errors, _options = loader.load_file(str(path))
    assert errors
