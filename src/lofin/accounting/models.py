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
