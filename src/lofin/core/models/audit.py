"""Append-only audit trail, one hash chain per government (plus one for platform-wide events)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64
SYSTEM_CHAIN = "system"


class AuditChain(models.Model):
    """Head of one chain. Writers lock this row, so appends to one chain are serialised."""

    key = models.CharField(max_length=16, unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The hash before the last event. Kept so that one UPDATE can both move the head and hand the previous hash to the
    # event it writes (RETURNING shows only new values): the commitment statement needs no separate locking read.
    prev_hash = models.CharField(max_length=64, default="", db_default="", blank=True)

    def __str__(self) -> str:
        return f"{self.key}#{self.last_seq}"


class AuditEvent(models.Model):
    chain_key = models.CharField(max_length=16)
    seq = models.BigIntegerField()
    # No foreign-key constraint or index of its own: governments are never deleted, the chain key names the government
    # too, and the (government, occurred_at) index serves lookups. The constraint's check and row lock on the
    # government at every event cost the busiest write path ~15 % of its throughput (docs/benchmarks.md).
    government = models.ForeignKey(
        "core.LocalGovernment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The actor's username when the event happened, so renames do not rewrite history.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain_key", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain_key", "seq"], name="audit_unique_seq")]
        indexes = [
            models.Index(fields=["government", "occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.chain_key}#{self.seq} {self.action}"
