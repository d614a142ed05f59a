"""Proposals and everything decided about them: reviews, scores, status events, comments, photos, Q&A."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lofin.core import clock

from .cycle import Cycle, District


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposal", "submitted")  # 접수
    UNDER_REVIEW = "under_review", _("under department review")  # 부서검토 중
    FEASIBLE = "feasible", _("feasible")  # 사업가능
    INFEASIBLE = "infeasible", _("not feasible")  # 사업불가
    SHORTLISTED = "shortlisted", _("shortlisted")  # 심사 통과
    REJECTED = "rejected", _("not shortlisted")  # 심사 탈락
    ON_BALLOT = "on_ballot", _("on the ballot")  # 투표 대상
    SELECTED = "selected", _("selected")  # 선정
    NOT_SELECTED = "not_selected", _("not selected")  # 미선정
    ADOPTED = "adopted", _("adopted into the budget")  # 예산반영
    IN_EXECUTION = "in_execution", _("being carried out")  # 사업추진
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal", "withdrawn")  # 철회


class Proposal(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="proposals")
    number = models.PositiveIntegerField(_("number"))  # 1, 2, ... per cycle: the id on the ballot paper
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    cost = models.BigIntegerField(_("estimated cost"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pb_proposals")
    department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the department responsible for reviewing and carrying it out
    status = models.CharField(
        _("status"), max_length=14, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The department's costing, which the ballot and the tally use once reviewed.
    reviewed_cost = models.BigIntegerField(_("reviewed cost"), null=True, blank=True)
    committee_score = models.PositiveIntegerField(_("committee score"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("votes"), default=0)  # written by the tally
    # The chain onward (architecture §3): the 세부사업 and the request line of the next year's budget.
    budget_project = models.ForeignKey(
        "budget.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget_line = models.ForeignKey(
        "budget.ExpenditureLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_amount = models.BigIntegerField(_("adopted amount"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle_id", "number"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="pb_proposal_unique_number"),
            models.CheckConstraint(condition=Q(cost__gt=0), name="pb_proposal_cost_positive"),
            models.CheckConstraint(
                condition=Q(reviewed_cost__isnull=True) | Q(reviewed_cost__gt=0), name="pb_proposal_reviewed_cost"
            ),
        ]
        indexes = [models.Index(fields=["government", "status"], name="pb_proposal_status")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def ballot_cost(self) -> int:
        return self.reviewed_cost or self.cost


class Follow(models.Model):
    """A person following a proposal: told of every decision on it and of answers to its questions. The proposer
    follows their own proposal from the start and may stop like anyone else."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pb_follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal_id", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="pb_follow_once")]
        indexes = [models.Index(fields=["user", "government"], name="pb_follow_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class ProposalPhoto(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="participation/%Y/")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal_id", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Comment(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_reason = models.CharField(max_length=300, blank=True)  # moderation keeps the row, hides the text

    class Meta:
        ordering = ["proposal_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} · {self.created_at:%Y-%m-%d}"


class StatusEvent(models.Model):
    """Every decision on a proposal with its reason, shown to the proposer."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=14, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=ProposalStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class DepartmentReview(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    feasible = models.BooleanField(_("feasible"))
    reviewed_cost = models.BigIntegerField(_("reviewed cost"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal_id", "reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {'feasible' if self.feasible else 'infeasible'}"


class CommitteeScore(models.Model):
    """One committee member's score of one proposal (분과위·주민참여예산위원회 심사)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict)  # {criterion: points}
    total = models.PositiveIntegerField()
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal_id", "member_id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="pb_score_one_per_member")]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.total}"


class Question(models.Model):
    """A resident's question to the responsible department, due within business days (shown to the resident)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="questions")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="questions")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("question"))
    asked_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("answer due by"))

    class Meta:
        ordering = ["government_id", "-asked_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Unanswered after its answer day: shown as overdue to the asker and to the department."""
        try:
            self.answer  # noqa: B018 - the reverse one-to-one raises when there is no answer
        except ObjectDoesNotExist:
            return self.due_on < clock.today()
        return False


class Answer(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    body = models.TextField(_("answer"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.question_id}"
