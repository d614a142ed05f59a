"""Double-entry books: a chart of accounts and immutable, balanced journal entries tracing to their source."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ASSET = "asset", _("asset")  # 자산
    LIABILITY = "liability", _("liability")  # 부채
    NET_ASSETS = "net_assets", _("net assets")  # 순자산
    REVENUE = "revenue", _("revenue")  # 수익
    EXPENSE = "expense", _("expense")  # 비용
    # Budgetary control (예산회계) memo accounts: they balance among themselves and stay out of the statements.
    BUDGETARY = "budgetary", _("budgetary control")


class LedgerAccount(models.Model):
    """계정과목: shared national chart (government null) or a government's own sub-account."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=10, choices=Category.choices)
    parent_code = models.CharField(max_length=12, blank=True)
    # Summary accounts group others and take no postings.
    is_summary = models.BooleanField(default=False)
    # The line of the statements the account is shown in (회계기준 규칙: 유동자산, 자체조달수익, 인건비, ...).
    section = models.CharField(max_length=40, blank=True)
    # 내부거래: transfers between a government's own accounts (전출금/전입금), eliminated on consolidation.
    is_internal = models.BooleanField(default=False)
    name_en = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalEntry(models.Model):
    """One balanced posting. Never updated or deleted (database triggers): corrections are reversing entries."""

    # Government and account are copied from the source document (a budget line's, in the same statement), whose own
    # constraints guard them; checking them again at every posting cost the write path ~15 % (docs/benchmarks.md).
    government = models.ForeignKey(
        "core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # The budget account (회계) the entry belongs to; its kind decides the accounting entity of the statements.
    account = models.ForeignKey(
        "budget.Account", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    fiscal_year = models.PositiveSmallIntegerField()
    posted_on = models.DateField()
    source_type = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    description = models.CharField(max_length=200)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["government", "fiscal_year", "posted_on"]),
            models.Index(fields=["source_type", "source_id"]),
            # Few entries reverse another: index only those.
            models.Index(fields=["reverses"], condition=models.Q(reverses__isnull=False), name="journal_reversals"),
        ]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.description}"


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines", db_index=False)
    ledger_code = models.CharField(max_length=12)
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        # Ledgers are read per government and year through the entries; an index on the ~100 ledger codes alone
        # would only slow every posting.
        indexes = [models.Index(fields=["entry"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(debit__gte=0) & models.Q(credit__gte=0))
                & ((models.Q(debit=0) & models.Q(credit__gt=0)) | (models.Q(credit=0) & models.Q(debit__gt=0))),
                name="journal_line_one_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ledger_code} {self.debit}/{self.credit}"


class Entity(models.TextChoices):
    """회계실체 of 회계기준 규칙 §6; an entry's entity follows the kind of its budget account (회계)."""

    GENERAL = "general", _("general account entity")  # 일반회계
    OTHER_SPECIAL = "other_special", _("other special account entity")  # 기타특별회계
    FUND = "fund", _("fund entity")  # 기금회계
    ENTERPRISE = "enterprise_special", _("public-enterprise special account entity")  # 지방공기업특별회계


class ChartVersion(models.Model):
    """A version of the chart and of the 자동분개 mapping, in force from its year until the next version's."""

    effective_year = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=80)
    accounts = models.ManyToManyField(LedgerAccount, related_name="versions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_year"]

    def __str__(self) -> str:
        return f"{self.effective_year} {self.name}"


class MappingSide(models.TextChoices):
    EXPENSE = "expense", _("expenditure (세출 통계목)")
    REVENUE = "revenue", _("revenue (세입 목)")


class LedgerMapping(models.Model):
    """자동분개 rule: the ledger accounts a 세출 통계목 or 세입 목 posts to. The longest matching code wins
    (`401-01`, then `401`, then the group `4`).

    Expenditure: `debit` is the account a payment is debited to (the credit is cash and 예수금).
    Revenue: `debit` is the receivable of a 징수결의, `credit` the revenue (or liability, net assets) credited."""

    version = models.ForeignKey(ChartVersion, on_delete=models.PROTECT, related_name="mappings")
    side = models.CharField(max_length=10, choices=MappingSide.choices)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    debit_code = models.CharField(max_length=12)
    credit_code = models.CharField(max_length=12, blank=True)
    is_internal = models.BooleanField(default=False)
    # Payments on a capital 통계목 register a fixed asset of this class (blank: none).
    asset_class = models.CharField(max_length=20, blank=True)
    # Straight-line life in years; 0 = not depreciated (건설중인자산 until completed).
    useful_life = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "side", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "side", "code"], name="ledger_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.side} {self.code} → {self.debit_code}/{self.credit_code}"


class FixedAsset(models.Model):
    """Minimal asset register: one row per payment on a capital 통계목, depreciated straight-line."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("budget.Account", on_delete=models.PROTECT, related_name="+")
    asset_class = models.CharField(max_length=20)
    ledger_code = models.CharField(max_length=12)
    object_code = models.CharField(max_length=10)
    acquired_on = models.DateField()
    fiscal_year = models.PositiveSmallIntegerField()
    cost = models.BigIntegerField()
    useful_life = models.PositiveSmallIntegerField()
    # Depreciation posted so far; a depreciation run adds to it in the same transaction as its entries.
    depreciated = models.BigIntegerField(default=0)
    source_type = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    description = models.CharField(max_length=200)

    class Meta:
        indexes = [
            models.Index(fields=["government", "asset_class"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gte=0)
                & models.Q(depreciated__gte=0)
                & models.Q(depreciated__lte=models.F("cost")),
                name="fixed_asset_depreciation_within_cost",
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset_class} {self.cost} ({self.description})"


class DepreciationRun(models.Model):
    """One depreciation per government and year: running it twice would depreciate twice."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    posted_on = models.DateField()
    total = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["government", "fiscal_year"], name="depreciation_once_a_year")]

    def __str__(self) -> str:
        return f"depreciation {self.fiscal_year}: {self.total}"


class ClosedPeriod(models.Model):
    """A closed fiscal year of a government's books: nothing more may be posted dated in it or belonging to it.
    결산 (closing) creates the row; a later correction is a dated entry in the open year."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["government", "fiscal_year"], name="closed_period_unique")]

    def __str__(self) -> str:
        return f"closed {self.fiscal_year}"


class ManualKind(models.TextChoices):
    ACCRUAL = "accrual", _("accrual")  # 발생주의 정리
    DEPRECIATION = "depreciation", _("depreciation")  # 감가상각
    PROVISION = "provision", _("provision")  # 충당금
    ELIMINATION = "elimination", _("internal transaction elimination")  # 내부거래 제거
    CORRECTION = "correction", _("correction")  # 오류수정


class ManualStatus(models.TextChoices):
    IN_APPROVAL = "in_approval", _("in approval")
    POSTED = "posted", _("posted")
    REJECTED = "rejected", _("rejected")


class ManualEntry(models.Model):
    """결산정리분개: an entry typed by an accountant, posted only when its approval line ends in approval."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("budget.Account", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    posted_on = models.DateField()
    kind = models.CharField(max_length=20, choices=ManualKind.choices)
    description = models.CharField(max_length=200)
    # [[ledger code, debit, credit], ...]; checked when proposed and again when posted.
    lines = models.JSONField()
    status = models.CharField(max_length=20, choices=ManualStatus.choices, default=ManualStatus.IN_APPROVAL)
    approval = models.ForeignKey(
        "core.ApprovalRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.ForeignKey(JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=200, unique=True)

    class Meta:
        indexes = [models.Index(fields=["government", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.description}"


class LedgerBalance(models.Model):
    """Monthly sums of the journal per government, year, budget account and ledger account, up to the entry of its
    BalanceMark: the trial balance reads these and only the entries posted after the mark (queries.py)."""

    government_id = models.BigIntegerField()
    fiscal_year = models.PositiveSmallIntegerField()
    account_id = models.BigIntegerField()
    # Months from the start of the fiscal year by the posting date: 1-12, then 13-14 for the 출납정리기한
    # (January and February of the next year), 0 or less before the year.
    month = models.SmallIntegerField()
    ledger_code = models.CharField(max_length=12)
    debit = models.BigIntegerField()
    credit = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["government_id", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.fiscal_year}-{self.month:02d} {self.ledger_code} {self.debit}/{self.credit}"


class BalanceMark(models.Model):
    government_id = models.BigIntegerField()
    fiscal_year = models.PositiveSmallIntegerField()
    through_entry_id = models.BigIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["government_id", "fiscal_year"], name="balance_mark_unique")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} through {self.through_entry_id}"
