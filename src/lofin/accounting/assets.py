"""The minimal asset register the books need: payments on a capital 통계목 create a FixedAsset (in the payment's
transaction, beside its entry), 반납 of such a payment reduces it, and a yearly straight-line depreciation posts
Dr 감가상각비 / Cr 감가상각누계액."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require

from . import chart, journal
from .access import POST
from .models import DepreciationRun, FixedAsset

SOURCE_DEPRECIATION = "accounting.depreciation"


def register_payment(
    *,
    government_id: int,
    account_id: int,
    object_code: str,
    fiscal_year: int,
    acquired_on: dt.date,
    amount: int,
    source_type: str,
    source_id: int,
    description: str,
) -> FixedAsset | None:
    """Record the asset a payment on a capital 통계목 bought (none for other 통계목). Runs in the payment's transaction."""
    rule = chart.expense_rule(object_code, fiscal_year)
    if not rule.asset_class:
        return None
    return FixedAsset.objects.create(
        government_id=government_id,
        account_id=account_id,
        asset_class=rule.asset_class,
        ledger_code=rule.debit,
        object_code=object_code,
        acquired_on=acquired_on,
        fiscal_year=fiscal_year,
        cost=amount,
        useful_life=rule.useful_life,
        source_type=source_type,
        source_id=source_id,
        description=description[:200],
    )


def reduce_for_refund(source_type: str, source_id: int, amount: int) -> None:
    """반납 of a capital payment that restores its line: the asset cost comes down by the money that came back
    (never below what was already depreciated)."""
    FixedAsset.objects.filter(source_type=source_type, source_id=source_id, cost__gte=F("depreciated") + amount).update(
        cost=F("cost") - amount
    )


def yearly_charge(cost: int, depreciated: int, useful_life: int) -> int:
    """Straight line, a full year in the year of acquisition; the last year takes what remains."""
    if useful_life <= 0:
        return 0
    return min(cost - depreciated, -(-cost // useful_life))


def do_post_depreciation(government: LocalGovernment, year: int, *, actor: User) -> DepreciationRun:
    """감가상각 of a year: one entry per budget account (회계), Dr 감가상각비 / Cr 감가상각누계액, dated 31 December,
    tracing to the run; each asset's accumulated depreciation moves in the same transaction. Once per year."""
    require(actor, POST, government)
    posted_on = dt.date(year, 12, 31)
    with transaction.atomic():
        journal.check_open(government.pk, year, posted_on)
        if DepreciationRun.objects.filter(government=government, fiscal_year=year).exists():
            raise Conflict(_("Depreciation of this year has already been posted."), year=year)
        assets = list(
            FixedAsset.objects.select_for_update()
            .filter(government=government, fiscal_year__lte=year, useful_life__gt=0, depreciated__lt=F("cost"))
            .order_by("pk")
        )
        by_account: dict[int, int] = defaultdict(int)
        changed = []
        for asset in assets:
            charge = yearly_charge(asset.cost, asset.depreciated, asset.useful_life)
            if charge > 0:
                asset.depreciated += charge
                by_account[asset.account_id] += charge
                changed.append(asset)
        try:
            with transaction.atomic():
                run = DepreciationRun.objects.create(
                    government=government,
                    fiscal_year=year,
                    posted_on=posted_on,
                    total=sum(by_account.values()),
                    created_by=actor,
                )
        except IntegrityError:
            raise Conflict(_("Depreciation of this year has already been posted."), year=year) from None
        FixedAsset.objects.bulk_update(changed, ["depreciated"], batch_size=500)
        for account_id, total in sorted(by_account.items()):
            journal.post(
                government_id=government.pk,
                account_id=account_id,
                fiscal_year=year,
                posted_on=posted_on,
                source_type=SOURCE_DEPRECIATION,
                source_id=run.pk,
                description=f"감가상각 {year}",
                lines=[(chart.DEPRECIATION_EXPENSE, total, 0), (chart.ACCUMULATED_DEPRECIATION, 0, total)],
                actor=actor,
            )
        audit.record(
            actor,
            "accounting.depreciation",
            run,
            government=government,
            data={"year": year, "total": run.total, "assets": len(changed), "accounts": len(by_account)},
        )
    return run
