"""Ballots, results and official overrides."""

from __future__ import annotations

import secrets

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


def random_id() -> int:
    """A primary key drawn at random (62 bits), for the tables whose insertion order must not be readable: ballots
    and their choices are written in the order people vote, which the turnout roll also records."""
    return secrets.randbits(62) + 1


class RollEntry(models.Model):
    """The turnout roll (투표인 명부의 투표 기록): who voted in which cycle, by which channel, on which day, and which
    official entered a paper or in-person vote. It prevents double voting (one active entry per person and cycle,
    enforced by the database) and is what officials may see. It says nothing of what the person voted: the ballot
    is a row of its own (`Ballot`) with no link back here. An online vote replaced by a paper or in-person one stays
    on the roll, inactive; its ballot is deleted, since it is never counted."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="roll")
    voter_key = models.CharField(max_length=64)  # the person's identity_hash
    channel = models.CharField(_("channel"), max_length=10, choices=BallotChannel.choices)
    resident = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    census_entry = models.ForeignKey(CensusEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    basis = models.CharField(max_length=10, choices=EligibilityBasis.choices, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the official who entered a paper or in-person vote
    voted_on = models.DateField(_("voting day"))
    is_active = models.BooleanField(default=True)
    # The caller's retry key as `core.idempotency.scoped_key` stores it, and the request's fingerprint keyed with
    # the server's secret (`queries.ballots.sealed`): a retry with the same key and another ballot is refused, and
    # the choices cannot be guessed back from the fingerprint by someone reading the tables.
    idempotency_key = models.CharField(max_length=140, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["cycle_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "voter_key"], condition=Q(is_active=True), name="pb_roll_one_active_per_person"
            ),
            models.UniqueConstraint(fields=["cycle", "idempotency_key"], name="pb_roll_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.pk} ({self.channel})"


class Ballot(models.Model):
    """What one person voted in one cycle, and only that: no person, no channel, no time, no retry key. Its id is
    random, so the order of the ballots is not the order of the roll, and it is never shown.

    `seal` is an HMAC with the server's secret over (cycle, identity hash) (`queries.ballots.seal`): the application
    finds the ballot of the person in front of it (my vote, a paper ballot replacing an online one); someone reading
    the tables or the export cannot. `receipt_digest` is the sha256 of the random receipt code the voter was shown
    once (online ballots only), with which they check on the results page that their ballot was counted as cast."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="ballots")
    seal = models.CharField(max_length=64, null=True, blank=True)
    receipt_digest = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["cycle_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "seal"], name="pb_ballot_one_per_seal"),
            models.UniqueConstraint(fields=["cycle", "receipt_digest"], name="pb_ballot_unique_receipt"),
        ]

    def __str__(self) -> str:
        return f"ballot of cycle {self.cycle_id}"


class BallotChoice(models.Model):
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(default=1)  # 1 for approval ballots
    rank = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 = first preference

    class Meta:
        ordering = ["ballot_id", "rank", "proposal_id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "proposal"], name="pb_choice_unique_project")]

    def __str__(self) -> str:
        return f"{self.proposal_id} ({self.points})"


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
