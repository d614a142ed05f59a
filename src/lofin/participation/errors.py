"""The typed refusals of participatory budgeting (codes are stable; messages are translated)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, InvalidInput, LofinError, PermissionDenied


class WrongPhase(Conflict):
    code = "wrong_phase"
    default_message = _("The participatory budgeting cycle is not in the phase where this can be done.")


class WrongStatus(Conflict):
    code = "wrong_status"
    default_message = _("The proposal is not at the stage where this decision can be made.")


class AlreadyVoted(Conflict):
    code = "already_voted"
    default_message = _("This person has already voted in this cycle; a vote is counted once.")


class InvalidBallot(InvalidInput):
    code = "invalid_ballot"
    default_message = _("The ballot is not valid for this vote.")


class NotVerified(PermissionDenied):
    code = "not_verified"
    default_message = _("Verify your identity before taking part.")


class NotEligible(PermissionDenied):
    code = "not_eligible"
    default_message = _("You are not eligible to vote in this cycle.")


class VerificationFailed(InvalidInput):
    code = "verification_failed"
    default_message = _("The identity verification did not succeed.")


class VerificationUnavailable(LofinError):
    code = "verification_unavailable"
    status = 503
    default_message = _("The identity-check service cannot be reached. Please try again in a few minutes.")


class BallotsSealed(Conflict):
    code = "ballots_sealed"
    default_message = _(
        "The ballots stay sealed until the vote is counted: nobody reads them or a count of them before. "
        "The election file can be downloaded once the vote is counted."
    )
