"""e호조+ budget formulation: accounts, the classification, versions (본예산, 추경), lines with 산출근거."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CodeKind(models.TextChoices):
    FUNCTION = "function", _("functional classification (분야·부문)")
    OBJECT = "object", _("classification by nature (편성목·통계목)")
    REVENUE = "revenue", _("revenue classification (장·관·항·목)")


class NationalCode(models.Model):
    """The shared national code lists, versioned per fiscal year (shared data: every government reads them)."""

    kind = models.CharField(max_length=10, choices=CodeKind.choices)
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    level = models.CharField(max_length=10)
    parent_code = models.CharField(max_length=10, blank=True)
    name_en = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["kind", "year", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "code"], name="national_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AccountKind(models.TextChoices):
    GENERAL = "general", _("general account")  # 일반회계
    ENTERPRISE_SPECIAL = "enterprise_special", _("public-enterprise special account")  # 공기업특별회계
    OTHER_SPECIAL = "other_special", _("other special account")  # 기타특별회계
    FUND = "fund", _("fund")  # 기금


class Account(models.Model):
    """회계: a government's general account, special accounts and funds."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["government", "code"]
        constraints = [models.UniqueConstraint(fields=["government", "code"], name="account_unique_code")]

    def __str__(self) -> str:
        return self.name


class ProjectLevel(models.TextChoices):
    POLICY = "policy", _("policy programme")  # 정책사업
    UNIT = "unit", _("unit project")  # 단위사업
    DETAIL = "detail", _("detail project")  # 세부사업


class InvestmentOutcome(models.TextChoices):
    APPROPRIATE = "appropriate", _("appropriate")  # 적정
    CONDITIONAL = "conditional", _("go ahead with conditions")  # 조건부 추진
    RECONSIDER = "reconsider", _("reconsider")  # 재검토
    INAPPROPRIATE = "inappropriate", _("inappropriate")  # 부적정


class ProvisionalBasis(models.TextChoices):
    """Why a project runs under 준예산 (지방자치법 §146) when the budget is not confirmed by 1 January."""

    NONE = "", _("not under a provisional budget")
    OFFICE = "office", _("upkeep and running of offices set by law or ordinance")  # 기관·시설의 유지·운영
    MANDATORY = "mandatory", _("spending a law or ordinance makes mandatory")  # 법령상 지출의무
    CONTINUING = "continuing", _("continuing a project the budget already approved")  # 이미 승인된 사업의 계속


class Project(models.Model):
    """A government's own 사업 codes for a fiscal year: 정책사업 → 단위사업 → 세부사업."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=8, choices=ProjectLevel.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # 부문 code of the functional classification; set on the 정책사업 and copied down.
    function_code = models.CharField(max_length=3)
    gender_sensitive = models.BooleanField(_("gender budget item (성인지)"), default=False)
    gender_goal = models.CharField(_("expected gender-equality effect"), max_length=200, blank=True)
    # 국고보조 projects: the share the State pays, in basis points (5000 = 50 %); the rest is 지방비 matching.
    state_share_bp = models.PositiveSmallIntegerField(null=True, blank=True)
    investment_review = models.CharField(max_length=14, choices=InvestmentOutcome.choices, blank=True)
    # 이용 (transfer between 정책사업) only where the budget's general provisions allow it.
    transfer_allowed = models.BooleanField(default=False)
    # 준예산 (R-BP-11): the ground on which the project's lines run at last year's level while no budget is confirmed.
    provisional_basis = models.CharField(
        max_length=10, choices=ProvisionalBasis.choices, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["government", "year", "code"]
        constraints = [models.UniqueConstraint(fields=["government", "year", "code"], name="project_unique_code")]
        indexes = [models.Index(fields=["government", "year", "level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VersionKind(models.TextChoices):
    ORIGINAL = "original", _("original budget")  # 본예산
    SUPPLEMENTARY = "supplementary", _("supplementary budget")  # 추가경정예산


class VersionStatus(models.TextChoices):
    REQUESTING = "requesting", _("department requests")  # 요구
    ADJUSTING = "adjusting", _("budget office adjustment")  # 조정
    SUBMITTING = "submitting", _("bill awaiting the head's approval")  # 결재 중
    SUBMITTED = "submitted", _("before the council")  # 의회 제출
    VOTED = "voted", _("voted by the council")  # 의결
    CONFIRMED = "confirmed", _("confirmed")  # 확정


class BudgetVersion(models.Model):
    """One budget of a fiscal year: 본예산 (number 0) or 제n회 추경 (number n), kept forever."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=14, choices=VersionKind.choices)
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.REQUESTING)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    requests_closed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    voted_on = models.DateField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    bill_approval = models.ForeignKey(
        "core.ApprovalRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Totals per account kind, written when the version is confirmed (read by every later service).
    total_amount = models.BigIntegerField(default=0)
    # 중기지방재정계획 the bill refers to (지방재정법 §33, R-BS-5): its title and the fiscal years it covers.
    mid_term_plan = models.CharField(
        _("medium-term fiscal plan (중기지방재정계획)"), max_length=200, blank=True, default="", db_default=""
    )
    mid_term_plan_first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    mid_term_plan_last_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["government", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["government", "year", "number"], name="budget_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label}"

    @property
    def label(self) -> str:
        if self.number == 0:
            return gettext("original budget")
        return gettext("supplementary budget no. %(n)d") % {"n": self.number}

    @property
    def locked(self) -> bool:
        return self.status in (VersionStatus.VOTED, VersionStatus.CONFIRMED)


class ExpenditureLine(models.Model):
    """세출: one 통계목 of one 세부사업 in one version, with the amount at each stage."""

    # The unique (version, project, object_code) index serves lookups by version; the version implies the
    # government and account lookups go through (version, account): fewer indexes keep bulk loads fast.
    version = models.ForeignKey(
        BudgetVersion, on_delete=models.PROTECT, related_name="expenditure_lines", db_index=False
    )
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="lines")
    object_code = models.CharField(max_length=6)
    previous_amount = models.BigIntegerField(default=0)  # 기정액: the amount in the version this one amends
    requested_amount = models.BigIntegerField(default=0)  # 요구액
    proposed_amount = models.BigIntegerField(null=True, blank=True)  # 조정액 (the head's bill)
    amount = models.BigIntegerField(default=0)  # the current amount; after confirmation, the appropriation
    state_amount = models.BigIntegerField(default=0)  # of which 국비
    province_amount = models.BigIntegerField(default=0)  # of which 시도비
    adjust_reason = models.CharField(max_length=300, blank=True)
    amend_reason = models.CharField(max_length=300, blank=True)
    added_by_council = models.BooleanField(default=False)
    # 명시이월비 (지방재정법 §50①): the part of the amount the council approves, in the budget, to be carried into the
    # next year if it cannot be spent in this one. Set in the bill, amended by the council, confirmed with the line.
    explicit_carry_amount = models.BigIntegerField(_("explicit carry-over (명시이월비)"), default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "project", "object_code"], name="expenditure_line_unique"),
            models.CheckConstraint(
                condition=models.Q(explicit_carry_amount__gte=0), name="expenditure_explicit_carry_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="expenditure_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(requested_amount__gte=0), name="expenditure_requested_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["version", "account"])]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.object_code}"


class CalcBasis(models.Model):
    """산출근거: unit price × quantity × times = amount, with the official's text."""

    # unique (line, seq) serves every lookup by line.
    line = models.ForeignKey(ExpenditureLine, on_delete=models.CASCADE, related_name="basis", db_index=False)
    seq = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    unit_price = models.BigIntegerField(default=0)
    quantity = models.BigIntegerField(default=1)
    times = models.BigIntegerField(default=1)
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["line", "seq"]
        constraints = [models.UniqueConstraint(fields=["line", "seq"], name="calc_basis_unique_seq")]

    def __str__(self) -> str:
        return self.description


class RevenueLine(models.Model):
    """세입: one 목 (or 항) of one account in one version."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="revenue_lines", db_index=False)
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+", db_index=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revenue_code = models.CharField(max_length=10)
    previous_amount = models.BigIntegerField(default=0)
    requested_amount = models.BigIntegerField(default=0)
    proposed_amount = models.BigIntegerField(null=True, blank=True)
    amount = models.BigIntegerField(default=0)
    basis_text = models.CharField(max_length=300, blank=True)
    adjust_reason = models.CharField(max_length=300, blank=True)
    amend_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "account", "revenue_code"], name="revenue_line_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="revenue_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.revenue_code}"


class ContinuingExpenditure(models.Model):
    """계속비: a multi-year total approved once, paid in yearly instalments (at most five years)."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    project_code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    total_amount = models.BigIntegerField()
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    extended_by_council = models.BooleanField(default=False)
    approved_in = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="continuing")

    def __str__(self) -> str:
        return self.name


class AttachmentKind(models.TextChoices):
    SUPPORTING = "supporting", _("supporting document")  # 견적서, 사업계획서 …
    RESIDENT_OPINION = "resident_opinion", _("residents' opinion (주민의견서)")  # 지방재정법 §39③, R-BS-5


class Attachment(models.Model):
    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(
        max_length=20,
        choices=AttachmentKind.choices,
        default=AttachmentKind.SUPPORTING,
        db_default=AttachmentKind.SUPPORTING,
    )
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(
        ExpenditureLine, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="budget/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    OPEN = "open", _("being prepared")
    IN_APPROVAL = "in_approval", _("awaiting approval")
    SUBMITTED = "submitted", _("submitted to the budget office")
    RETURNED = "returned", _("returned for changes")


class DepartmentSubmission(models.Model):
    """A department's request for one version: prepared, approved on its line (결재), then frozen."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="submissions")
    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.OPEN)
    approval = models.ForeignKey(
        "core.ApprovalRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "department"], name="department_submission_unique")]

    def __str__(self) -> str:
        return f"{self.version_id}/{self.department_id}"


class IndicatorDirection(models.TextChoices):
    """Whether more is better (이용자 수, 정비 건수, 만족도) or less (처리 기간, 사고 건수)."""

    INCREASE = "increase", _("higher is better")  # 상향
    DECREASE = "decrease", _("lower is better")  # 하향


class PerformanceTarget(models.Model):
    """성과지표 of a 정책사업 or 단위사업 in the 성과계획서 of the budget bill (지방재정법 §5, §44의2; 지방자치단체
    예산편성 운영기준): the indicator, its unit, the target value, how it is measured and the baseline, set by the
    department in formulation; after the year, the achieved value and, when short of the target, the reason — the
    성과보고서 of the 결산 (지방회계법 §16, R-AC-6) is generated from these rows.

    Values are decimals kept as canonical text (`rules.performance.parse_value`): exact on every engine."""

    government = models.ForeignKey("core.LocalGovernment", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="performance_targets")
    indicator = models.CharField(_("indicator"), max_length=120)  # 성과지표명
    unit = models.CharField(_("unit"), max_length=20)  # 단위: 명, 건, 점, %
    target_value = models.CharField(_("target value"), max_length=24)  # 목표치
    baseline_value = models.CharField(_("baseline"), max_length=24, blank=True)  # 기준치 (전년도 실적)
    method = models.CharField(_("measurement method"), max_length=300)  # 측정방법 (산식·자료 출처)
    direction = models.CharField(
        _("direction"), max_length=8, choices=IndicatorDirection.choices, default=IndicatorDirection.INCREASE
    )
    achieved_value = models.CharField(_("achieved value"), max_length=24, blank=True)  # 실적치
    shortfall_reason = models.CharField(_("reason for not achieving"), max_length=500, blank=True)  # 미달성 사유
    result_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="performance_target_unique_indicator")
        ]
        indexes = [models.Index(fields=["government", "project"], name="performance_target_gov")]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.indicator}"

    @property
    def has_result(self) -> bool:
        return self.result_recorded_at is not None
