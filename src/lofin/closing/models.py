"""The closing run of a government's year: the statements it computed, frozen as a snapshot with its digest; the
approval lines that close and reopen it; the documents of the 결산 package recorded by the officials."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    CLOSED = "closed", _("closed")  # 결산 완료: statements stored, the year locked
    SUBMITTED = "submitted", _("submitted to the council")  # 결산서 제출
    REOPENED = "reopened", _("reopened")  # reversed by an approved reopening: kept in history, never deleted


class ClosingRun(models.Model):
    """One live run per government and year (reopened runs stay as history). Written in the transaction that posts
    the closing entries and locks the year, so a failed closing leaves nothing behind."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.CLOSED)
    # Canonical JSON (sorted keys, no spaces) of every statement, the 세입세출결산 and the notes.
    snapshot = models.TextField()
    digest = models.CharField(max_length=64)  # sha256 of `snapshot`
    closing_entries = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["government", "fiscal_year"],
                condition=~models.Q(status="reopened"),
                name="closing_run_unique_live",
            )
        ]

    def __str__(self) -> str:
        return f"결산 {self.fiscal_year} {self.digest[:12]}"


class RequestKind(models.TextChoices):
    CLOSE = "close", _("closing of the books")  # 결산 마감
    REOPEN = "reopen", _("reopening of the books")  # 결산 마감 취소


class ClosingRequest(models.Model):
    """A closing or a reopening of a year's books drafted by the accounting office and sent up an approval line;
    it takes effect when the head (or the acting head, 대결) approves it."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=RequestKind.choices)
    reason = models.CharField(max_length=500, blank=True)
    approval = models.OneToOneField(
        "core.ApprovalRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(ClosingRun, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fiscal_year}"


class DocumentKind(models.TextChoices):
    """The recorded parts of the 결산 package (지방회계법 §15–§17, 지방자치법 §150①); the attachments are those of
    지방회계법 §17 and 시행령 §14."""

    PERFORMANCE_REPORT = "performance_report", _("performance report (성과보고서)")
    INSPECTORS_OPINION = "inspectors_opinion", _("opinion of the settlement inspectors (검사위원 검사의견서)")
    CPA_REVIEW = "cpa_review", _("review opinion of a certified public accountant (공인회계사 검토의견)")
    CONTINUING = "att_continuing", _("settlement of continuing expenses (계속비결산명세서)")
    SELF_FUNDED = "att_self_funded", _("use of revenue-substituting expenses (수입대체경비 사용명세서)")
    CARRY_OVER = "att_carry_over", _("carry-over statement (이월명세서)")
    GENDER = "att_gender", _("gender-responsive settlement (성인지결산서)")
    TAX_EXPENDITURE = "att_tax_expenditure", _("local tax expenditure report (지방세지출보고서)")
    SUBSIDY_RETURN = "att_subsidy_return", _("returned subsidies (국고·시도보조금 반납명세서)")
    INTEGRATED_STATS = "att_integrated_stats", _("integrated fiscal statistics (지역통합재정통계 보고서)")
    BONDS = "att_bonds", _("local bond issues (지방채발행보고서)")
    INVESTMENTS = "att_investments", _("investments and contributions (출자·출연 보고서)")
    PROPERTY = "att_property", _("public property and goods (공유재산·물품 보고서)")


ATTACHMENTS = tuple(k for k in DocumentKind if k.value.startswith("att_"))


class ClosingDocument(models.Model):
    """A document of the 결산 package recorded by an official: its number and date, what it says, who recorded it
    and when. An attachment of 지방회계법 §17 that does not apply to the government is recorded as not applicable.
    Recording a kind again keeps the earlier record (history): the latest counts."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    reference = models.CharField(max_length=100, blank=True)  # 문서번호
    dated_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    not_applicable = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["government", "fiscal_year", "kind"], name="closing_doc_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fiscal_year}"
