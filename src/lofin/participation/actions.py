"""The writers of participatory budgeting: cycles, resident lists and verification, proposals and their review,
comments and Q&A. Ballots, the tally and adoption are in vote_actions, tally and adoption.

Each action checks the role and the rules first, writes in one transaction with its audit record, and leaves
nothing behind when it refuses.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lofin.core.models import Department, LocalGovernment
from lofin.core.permissions import has_permission, require
from lofin.core.workdays import add_business_days

from . import rules
from .access import MANAGE, PARTICIPATE, REVIEW, VIEW
from .errors import NotVerified, VerificationFailed, WrongPhase, WrongStatus
from .follow_actions import announce_answer, announce_comment, announce_status, follow_as_proposer
from .models import (
    Answer,
    BallotKind,
    CensusEntry,
    CensusList,
    Comment,
    CommitteeScore,
    Cycle,
    CycleStatus,
    DepartmentReview,
    District,
    EligibilityBasis,
    Phase,
    PhaseKind,
    Proposal,
    ProposalPhoto,
    ProposalStatus,
    Question,
    Resident,
    Rule,
    Satisfaction,
    StatusEvent,
    VerificationMethod,
)

MAX_AMOUNT = 10**15
ANSWER_BUSINESS_DAYS = 10  # 민원 처리 기간 for a question (민원처리법 시행령 별표: 질의 7–14 days); shown to the asker
COMMITTEE_CRITERIA = {"necessity": 30, "feasibility": 30, "benefit": 25, "cost": 15}
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def identity_key() -> bytes:
    """The identity hash is keyed outside the database, like the audit chain, so a copy of the tables alone
    cannot be used to test guesses of who voted."""
    return hmac.new(settings.LOFIN_AUDIT_KEY.encode(), b"participation-identity", hashlib.sha256).digest()


def person_hash(name: str, birth_date: dt.date, sex_digit: str) -> str:
    return rules.identity_hash(identity_key(), name, birth_date, sex_digit)


def _same_government(government: LocalGovernment, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "government_id", government.pk) != government.pk:
            raise NotFound()


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _lock_cycle(cycle_id: int) -> Cycle:
    # FOR NO KEY UPDATE: serialises the writers of one cycle without blocking inserts that refer to it.
    return Cycle.objects.select_for_update(no_key=True).select_related("government").get(pk=cycle_id)


def phase_dates(cycle: Cycle) -> dict[str, tuple[dt.date, dt.date]]:
    return {p.kind: (p.starts_on, p.ends_on) for p in Phase.objects.filter(cycle=cycle)}


def _check_phase(cycle: Cycle, expected: str | Sequence[str], today: dt.date | None = None) -> None:
    kind = cycle.phase
    dates = phase_dates(cycle).get(kind) if today is not None else None
    rules.check_phase(kind, expected, day=today, dates=dates)


# --- cycles ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictIn:
    code: str
    name: str
    kind: str = "district"
    amount: int | None = None


def _amount(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_AMOUNT:
        raise InvalidInput(_("Enter an amount in won, more than zero."), field=field)
    return value


def do_create_cycle(
    government: LocalGovernment,
    *,
    year: int,
    title: str,
    total_amount: int,
    actor: Any,
    ballot_kind: str = BallotKind.APPROVAL,
    rule: str = Rule.GREEDY,
    satisfaction: str = "",
    max_choices: int | None = None,
    min_choices: int = 1,
    max_points: int | None = None,
    allow_residents: bool = True,
    allow_workers: bool = True,
    allow_students: bool = True,
    min_age: int = 14,
    description: str = "",
    phases: Mapping[str, tuple[dt.date, dt.date]] | None = None,
    districts: Sequence[DistrictIn] = (),
) -> Cycle:
    require(actor, MANAGE, government)
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise InvalidInput(_("Give the cycle a title of at most 120 characters."), field="title")
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("The fiscal year must be between 2000 and 2100."), field="year")
    _amount(total_amount, "total_amount")
    rules.check_ballot_method(ballot_kind, max_choices=max_choices, max_points=max_points, min_choices=min_choices)
    if rule not in Rule.values:
        raise InvalidInput(_("Choose a counting rule."), field="rule")
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose how satisfaction is measured."), field="satisfaction")
    if not (allow_residents or allow_workers or allow_students):
        raise InvalidInput(_("Let at least residents, workers or students vote."), field="allow_residents")
    if not 0 <= min_age <= 30:
        raise InvalidInput(_("The minimum age must be between 0 and 30."), field="min_age")
    phases = dict(phases or {})
    unknown = set(phases) - set(PhaseKind.values)
    if unknown:
        raise InvalidInput(_("Unknown phase."), field="phases")
    rules.check_phase_dates(phases)
    codes = [d.code.strip() for d in districts]
    if len(set(codes)) != len(codes) or not all(codes) or not all(d.name.strip() for d in districts):
        raise InvalidInput(_("Every district needs its own code and a name."), field="districts")
    earmarked = 0
    for d in districts:
        if d.amount is not None:
            earmarked += _amount(d.amount, "districts")
    if earmarked > total_amount:
        raise InvalidInput(_("The districts' amounts add up to more than the cycle's amount."), field="districts")
    with transaction.atomic():
        if Cycle.objects.filter(government=government, year=year, title=title).exists():
            raise Conflict(_("A cycle with this title exists already for this year."), field="title")
        cycle = Cycle.objects.create(
            government=government,
            year=year,
            title=title,
            description=(description or "").strip(),
            total_amount=total_amount,
            ballot_kind=ballot_kind,
            rule=rule,
            satisfaction=satisfaction,
            max_choices=max_choices,
            min_choices=min_choices,
            max_points=max_points,
            allow_residents=allow_residents,
            allow_workers=allow_workers,
            allow_students=allow_students,
            min_age=min_age,
            created_by=actor,
        )
        Phase.objects.bulk_create(
            [Phase(government=government, cycle=cycle, kind=k, starts_on=s, ends_on=e) for k, (s, e) in phases.items()]
        )
        District.objects.bulk_create(
            [
                District(
                    government=government,
                    cycle=cycle,
                    kind=d.kind,
                    code=d.code.strip(),
                    name=d.name.strip(),
                    amount=d.amount,
                )
                for d in districts
            ]
        )
        audit.record(
            actor,
            "participation.cycle.create",
            cycle,
            data={"year": year, "title": title, "total": total_amount, "ballot": ballot_kind, "rule": rule},
        )
    return cycle


def do_set_phase_dates(cycle: Cycle, *, phases: Mapping[str, tuple[dt.date, dt.date]], actor: Any) -> Cycle:
    require(actor, MANAGE, cycle.government)
    if set(phases) - set(PhaseKind.values):
        raise InvalidInput(_("Unknown phase."), field="phases")
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        merged = {**phase_dates(cycle), **phases}
        rules.check_phase_dates(merged)
        for kind, (start, end) in phases.items():
            Phase.objects.update_or_create(
                cycle=cycle, kind=kind, defaults={"government": cycle.government, "starts_on": start, "ends_on": end}
            )
        audit.record(actor, "participation.cycle.phases", cycle, data={k: [s, e] for k, (s, e) in phases.items()})
    return cycle


def do_advance_phase(cycle: Cycle, *, actor: Any, to: str | None = None) -> Cycle:
    """Move the cycle to its next phase (or to `to`, which must be the next one). Entering the vote puts every
    shortlisted proposal on the ballot."""
    require(actor, MANAGE, cycle.government)
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        if cycle.status == CycleStatus.FINISHED:
            raise WrongPhase(_("The cycle is finished."), phase=cycle.phase)
        target = rules.next_phase(cycle.phase)
        if to is not None and to != target:
            raise WrongPhase(_("The next phase is %(phase)s.") % {"phase": PhaseKind(target).label}, phase=cycle.phase)
        if target == PhaseKind.VOTING:
            shortlisted = list(
                Proposal.objects.filter(cycle=cycle, status=ProposalStatus.SHORTLISTED).select_for_update()
            )
            if not shortlisted:
                raise Conflict(_("No proposal is shortlisted: there is nothing to vote on."), field="phase")
            for proposal in shortlisted:
                _move(proposal, ProposalStatus.ON_BALLOT, "", actor, record=False)
        previous = cycle.phase
        Cycle.objects.filter(pk=cycle.pk).update(phase=target, status=CycleStatus.OPEN)
        cycle.phase, cycle.status = target, CycleStatus.OPEN
        audit.record(actor, "participation.cycle.advance", cycle, data={"from": previous, "to": target})
    return cycle


def do_finish_cycle(cycle: Cycle, *, actor: Any) -> Cycle:
    require(actor, MANAGE, cycle.government)
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        rules.check_phase(cycle.phase, (PhaseKind.BUDGET_ADOPTION, PhaseKind.IMPLEMENTATION))
        Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.FINISHED)
        cycle.status = CycleStatus.FINISHED
        audit.record(actor, "participation.cycle.finish", cycle)
    return cycle


# --- resident lists and verification --------------------------------------------------------------------------

CENSUS_COLUMNS = {
    "name": ("name", "이름", "성명"),
    "birth_date": ("birth_date", "생년월일"),
    "sex": ("sex", "성별번호", "주민번호뒷자리첫째"),
    "basis": ("basis", "구분"),
    "area": ("area", "지역", "행정동"),
}
BASIS_WORDS = {
    "resident": EligibilityBasis.RESIDENT,
    "주민": EligibilityBasis.RESIDENT,
    "worker": EligibilityBasis.WORKER,
    "직장인": EligibilityBasis.WORKER,
    "student": EligibilityBasis.STUDENT,
    "학생": EligibilityBasis.STUDENT,
}


def _parse_date(value: str) -> dt.date | None:
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 8:
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def parse_census(data: bytes) -> list[tuple[str, dt.date, str, str, str]]:
    """Rows (name, birth date, sex digit, basis, area) of a CSV resident list (UTF-8 or CP949), with the line
    number of the first bad row in the refusal."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("The file is neither UTF-8 nor CP949 text."), field="file")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    index: dict[str, int] = {}
    for key, names in CENSUS_COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [k for k in ("name", "birth_date", "sex") if k not in index]
    if missing:
        raise InvalidInput(
            _("The first line must name the columns; missing: %(cols)s.") % {"cols": ", ".join(missing)}, field="file"
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {k: (row[i].strip() if i < len(row) else "") for k, i in index.items()}
        birth = _parse_date(cell["birth_date"])
        basis = BASIS_WORDS.get(cell.get("basis", "").lower() or "resident")
        if not cell["name"] or birth is None or basis is None or cell["sex"] not in "12345678" or not cell["sex"]:
            raise InvalidInput(
                _("Line %(line)d of the resident list is not valid.") % {"line": number}, field="file", line=number
            )
        rows.append((cell["name"][:60], birth, cell["sex"], str(basis), cell.get("area", "")[:60]))
    if not rows:
        raise InvalidInput(_("The resident list has no rows."), field="file")
    return rows


def do_upload_census(government: LocalGovernment, *, name: str, data: bytes, actor: Any) -> CensusList:
    """Replace the government's current resident list. Only hashes of the identities are kept."""
    require(actor, MANAGE, government)
    rows = parse_census(data)
    key = identity_key()
    with transaction.atomic():
        CensusList.objects.filter(government=government, is_current=True).update(is_current=False)
        census = CensusList.objects.create(
            government=government,
            name=(name or "").strip()[:120] or "resident list",
            uploaded_by=actor,
            row_count=len(rows),
            digest=hashlib.sha256(data).hexdigest(),
        )
        CensusEntry.objects.bulk_create(
            [
                CensusEntry(
                    government=government,
                    census=census,
                    name=n,
                    birth_date=b,
                    identity_hash=rules.identity_hash(key, n, b, s),
                    basis=basis,
                    area=area,
                )
                for n, b, s, basis, area in rows
            ],
            batch_size=2000,
        )
        audit.record(actor, "participation.census.upload", census, data={"rows": len(rows), "digest": census.digest})
    return census


def census_entry(government: LocalGovernment, identity: str) -> CensusEntry | None:
    return (
        CensusEntry.objects.filter(government=government, census__is_current=True, identity_hash=identity)
        .order_by("basis", "id")
        .first()
    )


@dataclass(frozen=True)
class VerifiedIdentity:
    """What an identity service (or an official checking an ID card) confirmed."""

    name: str
    birth_date: dt.date
    sex_digit: str
    ci: str = ""
    phone: str = ""


def do_verify_resident(
    government: LocalGovernment, *, user: Any, identity: VerifiedIdentity, method: str, actor: Any
) -> Resident:
    """Record a person's verified identity for a government and match it against the current resident list."""
    if method not in VerificationMethod.values:
        raise InvalidInput(_("Unknown verification method."), field="method")
    if method == VerificationMethod.IDENTITY:
        # An ID card is checked by an official in person.
        require(actor, MANAGE, government)
    else:
        require(actor, PARTICIPATE, government)
        if actor.pk != user.pk:
            raise PermissionDenied()
    if not has_permission(user, PARTICIPATE, government):
        raise NotFound()
    if not identity.name.strip() or identity.birth_date > timezone.localdate():
        raise VerificationFailed()
    digest = person_hash(identity.name, identity.birth_date, identity.sex_digit)
    entry = census_entry(government, digest)
    now = timezone.now()
    fields = {
        "method": method,
        "verified_name": identity.name.strip()[:60],
        "birth_date": identity.birth_date,
        "identity_hash": digest,
        "ci_hash": hashlib.sha256(identity.ci.encode()).hexdigest() if identity.ci else "",
        "verified_at": now,
        "census_entry": entry,
        "basis": entry.basis if entry else "",
        "census_matched_at": now if entry else None,
    }
    with transaction.atomic():
        other = Resident.objects.filter(government=government, identity_hash=digest).exclude(user=user).first()
        if other is not None:
            raise Conflict(
                _("This person is already verified under another account of this government."), field="identity"
            )
        try:
            with transaction.atomic():
                resident, created = Resident.objects.update_or_create(government=government, user=user, defaults=fields)
        except IntegrityError:
            raise Conflict(
                _("This person is already verified under another account of this government."), field="identity"
            ) from None
        audit.record(
            actor,
            "participation.resident.verify",
            resident,
            data={"method": method, "census": bool(entry), "basis": fields["basis"], "new": created},
        )
    return resident


def resident_of(user: Any, government: LocalGovernment) -> Resident:
    resident = Resident.objects.filter(government=government, user=user).first() if user.is_authenticated else None
    if resident is None:
        raise NotVerified()
    return resident


# --- proposals ----------------------------------------------------------------------------------------------


def _move(proposal: Proposal, target: str, reason: str, actor: Any, *, record: bool = True) -> Proposal:
    """Change a proposal's status (locked by the caller) and keep the decision with its reason."""
    reason = rules.check_transition(proposal.status, target, reason)
    previous = proposal.status
    Proposal.objects.filter(pk=proposal.pk).update(status=target, status_reason=reason[:500])
    proposal.status, proposal.status_reason = target, reason[:500]
    event = StatusEvent.objects.create(
        government_id=proposal.government_id,
        proposal=proposal,
        from_status=previous,
        to_status=target,
        reason=reason[:500],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    announce_status(proposal, event, actor)
    if record:
        audit.record(
            actor,
            "participation.proposal.status",
            proposal,
            government=proposal.government,
            data={"from": previous, "to": target, "reason": reason[:500]},
        )
    return proposal


def _lock_proposal(proposal_id: int) -> Proposal:
    return Proposal.objects.select_for_update(no_key=True).select_related("government", "cycle").get(pk=proposal_id)


def do_submit_proposal(
    cycle: Cycle,
    *,
    title: str,
    description: str,
    cost: int,
    actor: Any,
    location: str = "",
    latitude: Any = None,
    longitude: Any = None,
    district: District | None = None,
    today: dt.date | None = None,
) -> Proposal:
    government = cycle.government
    require(actor, PARTICIPATE, government)
    _same_government(government, district)
    if district is not None and district.cycle_id != cycle.pk:
        raise NotFound()
    resident_of(actor, government)
    title, description = rules.check_proposal_fields(title, description, cost, cycle.total_amount)
    rules.check_coordinates(latitude, longitude)
    with transaction.atomic():
        cycle = _lock_cycle(cycle.pk)
        _check_phase(cycle, PhaseKind.PROPOSAL, _today(today))
        number = (Proposal.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0) + 1
        proposal = Proposal.objects.create(
            government=government,
            cycle=cycle,
            number=number,
            district=district,
            title=title,
            description=description,
            cost=cost,
            location=(location or "").strip()[:200],
            latitude=latitude,
            longitude=longitude,
            proposer=actor,
        )
        StatusEvent.objects.create(government=government, proposal=proposal, to_status=proposal.status, actor=actor)
        follow_as_proposer(proposal)
        audit.record(actor, "participation.proposal.submit", proposal, data={"number": number, "cost": cost})
    return proposal


def do_add_photo(proposal: Proposal, *, upload: Any, actor: Any, caption: str = "") -> ProposalPhoto:
    """Attach a photo (JPEG, PNG or WebP up to 5 MB, checked by decoding it, not by its name)."""
    from PIL import Image, UnidentifiedImageError

    require(actor, PARTICIPATE, proposal.government)
    if proposal.proposer_id != actor.pk:
        raise PermissionDenied(_("Only the proposer may add photos."))
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW):
        raise WrongStatus()
    size = getattr(upload, "size", 0) or 0
    if not 0 < size <= MAX_PHOTO_BYTES:
        raise InvalidInput(_("A photo must be a file of at most 5 MB."), field="photo")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(_("The file is not a JPEG, PNG or WebP image."), field="photo") from None
    if kind not in PHOTO_TYPES:
        raise InvalidInput(_("The file is not a JPEG, PNG or WebP image."), field="photo")
    upload.seek(0)
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        if ProposalPhoto.objects.filter(proposal=proposal).count() >= MAX_PHOTOS:
            raise Conflict(_("A proposal has at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photo")
        photo = ProposalPhoto(
            government_id=proposal.government_id,
            proposal=proposal,
            content_type=PHOTO_TYPES[kind],
            size=size,
            width=width,
            height=height,
            caption=(caption or "").strip()[:200],
            uploaded_by=actor,
        )
        extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[kind]
        photo.image.save(f"proposal-{proposal.pk}.{extension}", upload, save=False)
        try:
            photo.save()
            audit.record(
                actor, "participation.proposal.photo", photo, government=proposal.government, data={"size": size}
            )
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def do_withdraw_proposal(proposal: Proposal, *, actor: Any, reason: str = "") -> Proposal:
    require(actor, PARTICIPATE, proposal.government)
    if proposal.proposer_id != actor.pk:
        raise PermissionDenied(_("Only the proposer may withdraw a proposal."))
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        return _move(proposal, ProposalStatus.WITHDRAWN, reason or "", actor)


def do_comment(proposal: Proposal, *, body: str, actor: Any) -> Comment:
    government = proposal.government
    require(actor, VIEW, government)
    if has_permission(actor, PARTICIPATE, government) and not has_permission(actor, REVIEW, government):
        resident_of(actor, government)
    body = (body or "").strip()
    if not body or len(body) > 2000:
        raise InvalidInput(_("Write a comment of at most 2,000 characters."), field="body")
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise WrongStatus(_("The proposal was withdrawn."))
    with transaction.atomic():
        comment = Comment.objects.create(government=government, proposal=proposal, author=actor, body=body)
        audit.record(actor, "participation.comment.create", comment, government=government)
        announce_comment(comment)
    return comment


def do_start_review(
    proposal: Proposal, *, department: Department | None, actor: Any, today: dt.date | None = None
) -> Proposal:
    """Send a proposal to the department responsible for it (부서검토)."""
    require(actor, MANAGE, proposal.government)
    _same_government(proposal.government, department)
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        _check_phase(proposal.cycle, (PhaseKind.PROPOSAL, PhaseKind.DEPARTMENT_REVIEW))
        Proposal.objects.filter(pk=proposal.pk).update(department=department)
        proposal.department = department
        return _move(proposal, ProposalStatus.UNDER_REVIEW, "", actor)


def do_review_proposal(
    proposal: Proposal, *, feasible: bool, reason: str, actor: Any, reviewed_cost: int | None = None
) -> DepartmentReview:
    require(actor, REVIEW, proposal.government)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the review's finding; the proposer will read it."), field="reason")
    if reviewed_cost is not None:
        _amount(reviewed_cost, "reviewed_cost")
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        _check_phase(proposal.cycle, PhaseKind.DEPARTMENT_REVIEW)
        target = ProposalStatus.FEASIBLE if feasible else ProposalStatus.INFEASIBLE
        rules.check_transition(proposal.status, target, reason)
        if reviewed_cost is not None and reviewed_cost > proposal.cycle.total_amount:
            raise InvalidInput(_("The reviewed cost is more than the cycle's whole amount."), field="reviewed_cost")
        review = DepartmentReview.objects.create(
            government_id=proposal.government_id,
            proposal=proposal,
            department=proposal.department,
            feasible=feasible,
            reviewed_cost=reviewed_cost,
            reason=reason[:500],
            reviewer=actor,
        )
        if reviewed_cost is not None:
            Proposal.objects.filter(pk=proposal.pk).update(reviewed_cost=reviewed_cost)
        _move(proposal, target, reason, actor, record=False)
        audit.record(
            actor,
            "participation.proposal.review",
            proposal,
            data={"feasible": feasible, "reviewed_cost": reviewed_cost, "reason": reason[:500]},
        )
    return review


def do_score_proposal(
    proposal: Proposal, *, scores: Mapping[str, int], actor: Any, comment: str = "", member: Any = None
) -> CommitteeScore:
    """Record one committee member's score (the member, or an official entering the member's sheet)."""
    require(actor, REVIEW, proposal.government)
    total = rules.committee_total(scores, COMMITTEE_CRITERIA)
    member = member or actor
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        _check_phase(proposal.cycle, PhaseKind.COMMITTEE_REVIEW)
        if proposal.status != ProposalStatus.FEASIBLE:
            raise WrongStatus(_("Only proposals found feasible are scored."))
        score, _created = CommitteeScore.objects.update_or_create(
            proposal=proposal,
            member=member,
            defaults={
                "government_id": proposal.government_id,
                "scores": dict(scores),
                "total": total,
                "comment": (comment or "").strip()[:500],
            },
        )
        audit.record(
            actor, "participation.proposal.score", score, government=proposal.government, data={"total": total}
        )
    return score


def do_shortlist(proposal: Proposal, *, shortlisted: bool, actor: Any, reason: str = "") -> Proposal:
    """The committee's decision (심사): onto the ballot or not, with the reason the proposer will read."""
    require(actor, MANAGE, proposal.government)
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        _check_phase(proposal.cycle, PhaseKind.COMMITTEE_REVIEW)
        average = CommitteeScore.objects.filter(proposal=proposal).aggregate(a=Avg("total"))["a"]
        if average is not None:
            Proposal.objects.filter(pk=proposal.pk).update(committee_score=round(average))
        target = ProposalStatus.SHORTLISTED if shortlisted else ProposalStatus.REJECTED
        return _move(proposal, target, reason, actor)


# --- questions and answers ----------------------------------------------------------------------------------


def do_ask_question(
    government: LocalGovernment,
    *,
    title: str,
    body: str,
    actor: Any,
    cycle: Cycle | None = None,
    proposal: Proposal | None = None,
    today: dt.date | None = None,
) -> Question:
    require(actor, PARTICIPATE, government)
    _same_government(government, cycle, proposal)
    resident_of(actor, government)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 120:
        raise InvalidInput(_("Give the question a title of at most 120 characters."), field="title")
    if not body or len(body) > 4000:
        raise InvalidInput(_("Write the question in at most 4,000 characters."), field="body")
    if proposal is not None:
        cycle = proposal.cycle
    department = proposal.department if proposal is not None else None
    due = add_business_days(_today(today), ANSWER_BUSINESS_DAYS)
    with transaction.atomic():
        question = Question.objects.create(
            government=government,
            cycle=cycle,
            proposal=proposal,
            asker=actor,
            department=department,
            title=title,
            body=body,
            due_on=due,
        )
        audit.record(actor, "participation.question.ask", question, data={"due_on": due})
    return question


def do_answer_question(question: Question, *, body: str, actor: Any) -> Answer:
    require(actor, REVIEW, question.government)
    body = (body or "").strip()
    if not body or len(body) > 4000:
        raise InvalidInput(_("Write the answer in at most 4,000 characters."), field="body")
    with transaction.atomic():
        question = Question.objects.select_for_update(no_key=True).get(pk=question.pk)
        if Answer.objects.filter(question=question).exists():
            raise Conflict(_("This question has been answered already."))
        post = actor.posts.filter(government_id=question.government_id).first()
        answer = Answer.objects.create(
            government_id=question.government_id,
            question=question,
            body=body,
            answered_by=actor,
            department=post.department if post else question.department,
        )
        audit.record(actor, "participation.question.answer", answer, government=question.government)
        announce_answer(question, body, actor)
    return answer


def census_rows(rows: Iterable[tuple[str, dt.date, str, str, str]]) -> bytes:
    """A resident list as the upload expects it (for tests, the demo and the screens' sample download)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["이름", "생년월일", "성별번호", "구분", "지역"])
    for name, birth, sex, basis, area in rows:
        writer.writerow([name, birth.strftime("%Y%m%d"), sex, basis, area])
    return out.getvalue().encode("utf-8")
