"""A participatory-budgeting cycle (주민참여예산 사업공모), its phases and its districts or themes (분과)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("approval (any number of projects)")
    K_APPROVAL = "k_approval", _("approval of at most k projects")
    KNAPSACK = "knapsack", _("knapsack (chosen projects within the budget)")
    CUMULATIVE = "cumulative", _("cumulative (points spread over projects)")
    RANKED = "ranked", _("ranked (projects in order of preference)")


class Rule(models.TextChoices):
    GREEDY = "greedy", _("greedy by votes")
    MES = "mes", _("Method of Equal Shares")
    MES_GREEDY = "mes+greedy", _("Method of Equal Shares, completed greedily")
    MES_ADD1 = "mes-add1", _("Method of Equal Shares with add-one completion")


class Satisfaction(models.TextChoices):
    DEFAULT = "", _("the ballot kind's default")
    COST = "cost", _("by cost")
    CARDINALITY = "cardinality", _("by number of projects")
    POINTS = "points", _("by points")
    BORDA = "borda", _("by Borda score")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    OPEN = "open", _("open")
    FINISHED = "finished", _("finished")


class PhaseKind(models.TextChoices):
    # In the order of the process (지방재정법 §39 and the governments' ordinances).
    PROPOSAL = "proposal", _("proposals (제안)")
    DEPARTMENT_REVIEW = "department_review", _("department review (부서검토)")
    COMMITTEE_REVIEW = "committee_review", _("committee review (분과위·위원회 심사)")
    VOTING = "voting", _("resident vote (주민투표)")
    BUDGET_ADOPTION = "budget_adoption", _("adoption into the budget (예산반영)")
    IMPLEMENTATION = "implementation", _("implementation (사업추진)")


PHASE_ORDER: tuple[str, ...] = tuple(PhaseKind.values)


class EligibilityBasis(models.TextChoices):
    RESIDENT = "resident", _("lives in the area")
    WORKER = "worker", _("works in the area")
    STUDENT = "student", _("studies in the area")


class Cycle(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))  # the fiscal year whose budget the projects go into
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    total_amount = models.BigIntegerField(_("total amount"))
    ballot_kind = models.CharField(_("ballot"), max_length=12, choices=BallotKind.choices, default=BallotKind.APPROVAL)
    # k for k-approval, and the longest ranking for ranked ballots; null means no limit.
    max_choices = models.PositiveSmallIntegerField(_("most projects per ballot"), null=True, blank=True)
    min_choices = models.PositiveSmallIntegerField(_("fewest projects per ballot"), default=1)
    max_points = models.PositiveIntegerField(_("points per voter"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices, default=Rule.GREEDY)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, default=Satisfaction.DEFAULT, blank=True
    )
    allow_residents = models.BooleanField(_("residents may vote"), default=True)
    allow_workers = models.BooleanField(_("workers in the area may vote"), default=True)
    allow_students = models.BooleanField(_("students in the area may vote"), default=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=14)
    status = models.CharField(_("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    phase = models.CharField(_("current phase"), max_length=20, choices=PhaseKind.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["government_id", "-year", "id"]
        verbose_name = _("participatory budgeting cycle")
        verbose_name_plural = _("participatory budgeting cycles")
        constraints = [
            models.UniqueConstraint(fields=["government", "year", "title"], name="pb_cycle_unique_title"),
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="pb_cycle_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def eligible_bases(self) -> frozenset[str]:
        allowed = {
            EligibilityBasis.RESIDENT: self.allow_residents,
            EligibilityBasis.WORKER: self.allow_workers,
            EligibilityBasis.STUDENT: self.allow_students,
        }
        return frozenset(str(k) for k, v in allowed.items() if v)


class Phase(models.Model):
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["cycle_id", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="pb_phase_unique_kind"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="pb_phase_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class DistrictKind(models.TextChoices):
    DISTRICT = "district", _("district")  # 권역·동
    THEME = "theme", _("theme")  # 분과


class District(models.Model):
    """A district or theme (분과) of a cycle. With an amount, its projects compete for that amount alone."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="districts")
    kind = models.CharField(_("kind"), max_length=10, choices=DistrictKind.choices, default=DistrictKind.DISTRICT)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    amount = models.BigIntegerField(_("amount"), null=True, blank=True)

    class Meta:
        ordering = ["cycle_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="pb_district_unique_code"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="pb_district_amount"),
        ]

    def __str__(self) -> str:
        return self.name
