"""Reading the books: trial balance (시산표), general ledger (총계정원장), one entry with its source.

The trial balance of a large government reads monthly sums (LedgerBalance) kept up to an entry id (BalanceMark)
plus the entries posted after it, so it does not add up millions of lines at each request. The sums are rebuilt
by `refresh_balances` (결산, the `lofin accounting refresh-balances` command, the demo loader); journal rows are
immutable, so sums up to the mark stay right for ever. The mark stops short of entries younger than MARGIN, so
an entry whose transaction commits after the refresh (its id taken before) is still read from the lines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from lofin.budget.models import Account
from lofin.core import clock
from lofin.core.errors import InvalidInput
from lofin.core.models import LocalGovernment

from .models import BalanceMark, Entity, JournalEntry, JournalLine, LedgerAccount, LedgerBalance, ManualEntry

MARGIN = dt.timedelta(minutes=10)


@dataclass
class TrialBalanceRow:
    code: str
    name: str
    category: str
    section: str
    is_internal: bool
    debit: int
    credit: int

    @property
    def balance(self) -> int:
        """Debit minus credit."""
        return self.debit - self.credit


@dataclass
class TrialBalance:
    government_id: int
    fiscal_year: int
    entity: str | None
    month_from: int
    month_to: int
    rows: list[TrialBalanceRow] = field(default_factory=list)
    government_code: str = ""

    @property
    def total_debit(self) -> int:
        return sum(r.debit for r in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(r.credit for r in self.rows)


def account_ids(government_id: int, entity: str | None) -> list[int] | None:
    """The budget accounts (회계) of an accounting entity; None = all of the government's."""
    if entity is None:
        return None
    return list(Account.objects.filter(government_id=government_id, kind=entity).values_list("pk", flat=True))


def _month() -> Any:
    return (ExtractYear("entry__posted_on") - F("entry__fiscal_year")) * 12 + ExtractMonth("entry__posted_on")


def _lines(government_id: int, year: int, accounts: list[int] | None, after: int = 0) -> QuerySet[JournalLine]:
    lines = JournalLine.objects.filter(entry__government_id=government_id, entry__fiscal_year=year)
    if after:
        lines = lines.filter(entry_id__gt=after)
    if accounts is not None:
        lines = lines.filter(entry__account_id__in=accounts)
    return lines


def _in_months(month_from: int, month_to: int) -> Q:
    # Months outside 1..14 (an entry dated before its year or after February) count as the nearest end.
    q = Q()
    if month_from > 1:
        q &= Q(month__gte=month_from)
    if month_to < 14:
        q &= Q(month__lte=month_to)
    return q


def trial_balance(
    government: LocalGovernment | int,
    year: int,
    *,
    entity: str | None = None,
    month_from: int = 1,
    month_to: int = 14,
) -> TrialBalance:
    """Sums of debits and credits per ledger account of a government's year (months of the fiscal year, 13-14 for
    the 출납정리기한), for one accounting entity or all."""
    government_id = government if isinstance(government, int) else government.pk
    if entity is not None and entity not in Entity.values:
        raise InvalidInput(field="entity")
    accounts = account_ids(government_id, entity)
    months = _in_months(month_from, month_to)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    mark = BalanceMark.objects.filter(government_id=government_id, fiscal_year=year).first()
    after = 0
    if mark is not None:
        after = mark.through_entry_id
        kept = LedgerBalance.objects.filter(government_id=government_id, fiscal_year=year).filter(months)
        if accounts is not None:
            kept = kept.filter(account_id__in=accounts)
        for code, d, c in (
            kept.values("ledger_code").annotate(d=Sum("debit"), c=Sum("credit")).values_list("ledger_code", "d", "c")
        ):
            sums[code][0] += d or 0
            sums[code][1] += c or 0
    tail = _lines(government_id, year, accounts, after)
    if month_from > 1 or month_to < 14:
        tail = tail.annotate(month=_month()).filter(months)
    for code, d, c in (
        tail.values("ledger_code").annotate(d=Sum("debit"), c=Sum("credit")).values_list("ledger_code", "d", "c")
    ):
        sums[code][0] += d or 0
        sums[code][1] += c or 0
    chart = {a.code: a for a in LedgerAccount.objects.filter(code__in=list(sums))}
    tb = TrialBalance(government_id, year, entity, month_from, month_to)
    if isinstance(government, LocalGovernment):
        tb.government_code = government.code
    for code in sorted(sums):
        a = chart.get(code)
        tb.rows.append(
            TrialBalanceRow(
                code,
                a.name if a else code,
                a.category if a else "",
                a.section if a else "",
                bool(a and a.is_internal),
                sums[code][0],
                sums[code][1],
            )
        )
    return tb


def refresh_balances(government_id: int, year: int, *, now: dt.datetime | None = None) -> BalanceMark:
    """Rebuild the monthly sums of a government's year up to the newest entry older than MARGIN."""
    cutoff = (now or clock.now()) - MARGIN
    through = (
        JournalEntry.objects.filter(created_at__lt=cutoff).order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    with transaction.atomic():
        mark, _created = BalanceMark.objects.select_for_update().get_or_create(
            government_id=government_id,
            fiscal_year=year,
            defaults={"through_entry_id": 0, "refreshed_at": clock.now()},
        )
        LedgerBalance.objects.filter(government_id=government_id, fiscal_year=year).delete()
        rows = (
            _lines(government_id, year, None)
            .filter(entry_id__lte=through)
            .annotate(month=_month())
            .values("entry__account_id", "month", "ledger_code")
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .values_list("entry__account_id", "month", "ledger_code", "d", "c")
        )
        LedgerBalance.objects.bulk_create(
            [
                LedgerBalance(
                    government_id=government_id,
                    fiscal_year=year,
                    account_id=account_id,
                    month=month,
                    ledger_code=code,
                    debit=d or 0,
                    credit=c or 0,
                )
                for account_id, month, code, d, c in rows
            ],
            batch_size=1000,
        )
        mark.through_entry_id = through
        mark.refreshed_at = clock.now()
        mark.save(update_fields=["through_entry_id", "refreshed_at"])
    return mark


def ledger(
    government_id: int, year: int, code: str, *, entity: str | None = None, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """총계정원장 of one account: its lines in posting order, with the entry they belong to."""
    lines = _lines(government_id, year, account_ids(government_id, entity)).filter(ledger_code=code)
    return [
        dict(row)
        for row in lines.order_by("entry__posted_on", "entry_id", "pk").values(
            "entry_id",
            "entry__posted_on",
            "entry__description",
            "entry__source_type",
            "entry__source_id",
            "entry__account_id",
            "debit",
            "credit",
        )[offset : offset + limit]
    ]


def entry_detail(government_id: int, entry_id: int) -> JournalEntry | None:
    return JournalEntry.objects.filter(government_id=government_id, pk=entry_id).prefetch_related("lines").first()


def entries_of(source_type: str, source_id: int) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(source_type=source_type, source_id=source_id).order_by("pk")


def manual_entry_exists(stored_key: str) -> bool:
    """Whether a 결산정리분개 was drafted with this key (`core.idempotency.scoped_key`)."""
    return ManualEntry.objects.filter(idempotency_key=stored_key).exists()
