"""Ballots, results and official overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cycle import Cycle, District, EligibilityBasis
from .proposals import Proposal
from .residents import CensusEntry, Resident


class BallotChannel(models.TextChoices):
    ONLINE = "online", _("online")
    PAPER = "paper", _("paper ballot")
    IN_PERSON = "in_person", _("in person at a polling station")


class Ballot(models.Model):
    """One person's vote in one cycle. A paper or in-person ballot replaces an online one: the replaced ballot
    is kept (is_active false, replaced_by set) and never counted. At most one active ballot per person and cycle,
    enforced by the database."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="ballots")
    voter_key = models.CharField(max_length=64)  # the person's identity_hash
    channel = models.CharField(_("channel"), max_length=10, choices=BallotChannel.choices)
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots")
    census_entry = models.ForeignKey(CensusEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    basis = models.CharField(max_length=10, choices=EligibilityBasis.choices, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the official who entered a paper or in-person ballot
    cast_on = models.DateField(_("voting day"))
    cast_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The caller's retry key as `core.idempotency.scoped_key` stores it, and the fingerprint of the request that
    # wrote the ballot: a retry with the same key and another ballot is refused. Kept on the row, not in the audit
    # trail, whose readers learn that a person voted but not how.
    idempotency_key = models.CharField(max_length=140, null=True, blank=True)
    # db_default: rows bulk-written with explicit columns (the demo's COPY) leave it out.
    request_fingerprint = models.CharField(max_length=16, blank=True, default="", db_default="")

    class Meta:
        ordering = ["cycle_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "voter_key"], condition=Q(is_active=True), name="pb_ballot_one_active_per_person"
            ),
            models.UniqueConstraint(fields=["cycle", "idempotency_key"], name="pb_ballot_unique_key"),
            models.CheckConstraint(
                condition=Q(is_active=True, replaced_by__isnull=True) | Q(is_active=False),
                name="pb_ballot_active_not_replaced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.pk} ({self.channel})"


class BallotChoice(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(default=1)  # 1 for approval ballots
    rank = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 = first preference

    class Meta:
        ordering = ["ballot_id", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "proposal"], name="pb_choice_unique_project")]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.proposal_id}"


class Result(models.Model):
    """A computed outcome of a cycle (or of one district with its own amount). The newest is current."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="results")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=10)
    satisfaction = models.CharField(max_length=12, blank=True)
    budget = models.BigIntegerField()
    winners = models.JSONField(default=list)  # proposal ids in the order the rule chose them
    total_cost = models.BigIntegerField()
    voter_count = models.PositiveIntegerField()
    explanation = models.JSONField(default=dict)  # per proposal: votes, cost, why it won or lost
    digest = models.CharField(max_length=64)  # sha256 of the election's .pb text: the tally can be re-run
    is_current = models.BooleanField(default=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle_id", "-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.rule} {self.computed_at:%Y-%m-%d}"


class OverrideAction(models.TextChoices):
    ADD = "add", _("add to the selected projects")
    REMOVE = "remove", _("remove from the selected projects")


class Override(models.Model):
    """An official's decision to change the computed result, with a reason that is published."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="overrides")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="overrides")
    action = models.CharField(_("action"), max_length=6, choices=OverrideAction.choices)
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle_id", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.proposal_id}"
