"""결재: approval lines with 위임전결, 대결, 반려, 회수 and the personal inbox."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lofin.core import testing
from lofin.core.actions import do_revoke_membership
from lofin.core.approvals import actions, queries, registry, rules
from lofin.core.approvals.rules import Band, PlannedStep
from lofin.core.errors import (
    Conflict,
    InvalidInput,
    InvalidLine,
    KeyReused,
    NotFound,
    PermissionDenied,
    SeparationOfDuties,
)
from lofin.core.models import ApprovalRequest, AuditEvent, Membership, Notification, RequestStatus, StepKind, StepStatus
from lofin.core.permissions import forget_roles
from lofin.core.roles import Position, Role

pytestmark = pytest.mark.django_db

DEFAULTS = [Band(10_000_000, 3), Band(50_000_000, 4), Band(300_000_000, 5), Band(None, 6)]


def submit(org, government, amount, line, key="k1", title="청사 보수 계획"):
    return actions.do_submit_for_approval(
        government=government,
        doc_kind="core.general",
        subject_type="core.general",
        subject_id=key,
        title=title,
        amount=amount,
        line=line,
        actor=org["staff"],
        idempotency_key=key,
    )


# --- pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "position"),
    [(0, 3), (10_000_000, 3), (10_000_001, 4), (50_000_000, 4), (300_000_000, 5), (300_000_001, 6), (None, 6)],
)
def test_required_position_follows_the_bands(amount, position):
    assert rules.required_position(DEFAULTS, amount) == position


def test_without_any_band_only_the_head_decides():
    assert rules.required_position([], 1) == Position.HEAD


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=0, max_value=10**13))
def test_a_larger_amount_never_needs_a_lower_decider(a, b):
    low, high = sorted((a, b))
    assert rules.required_position(DEFAULTS, low) <= rules.required_position(DEFAULTS, high)


def test_bands_where_more_money_goes_lower_are_rejected():
    with pytest.raises(InvalidInput):
        rules.check_bands([Band(100, 4), Band(1000, 3)])


def test_line_must_start_with_the_drafter_and_end_with_final_approval():
    ok = [PlannedStep("draft", 1, 1), PlannedStep("review", 2, 2), PlannedStep("approve", 3, 3)]
    rules.check_line(ok, drafter_id=1, required=3)
    with pytest.raises(InvalidLine):
        rules.check_line(ok[1:], drafter_id=1, required=3)
    with pytest.raises(InvalidLine):
        rules.check_line(ok[:2], drafter_id=1, required=2)
    with pytest.raises(InvalidLine):
        rules.check_line([*ok[:2], PlannedStep("approve", 2, 3)], drafter_id=1, required=3)


def test_final_approver_below_the_required_position_is_rejected():
    line = [PlannedStep("draft", 1, 1), PlannedStep("approve", 2, 3)]
    with pytest.raises(InvalidLine) as err:
        rules.check_line(line, drafter_id=1, required=4)
    assert err.value.detail == {"required_position": 4}


def test_acting_modes():
    assert rules.acting_mode(step_kind="approve", acting_for_someone=True, actor_position=6) == "substitute"
    assert rules.acting_mode(step_kind="approve", acting_for_someone=False, actor_position=3) == "delegated_final"
    assert rules.acting_mode(step_kind="approve", acting_for_someone=False, actor_position=6) == "normal"
    assert rules.acting_mode(step_kind="review", acting_for_someone=False, actor_position=2) == "normal"


# --- lines from the org chart ----------------------------------------------------------------------


def test_default_line_climbs_the_department_chain_to_the_required_position(org, seoul):
    line = queries.default_line(seoul, org["staff"], doc_kind="core.general", amount=30_000_000)
    assert [(s.kind, s.assignee_id) for s in line] == [
        ("draft", org["staff"].pk),
        ("review", org["lead"].pk),
        ("review", org["chief"].pk),
        ("approve", org["director"].pk),
    ]


def test_default_line_for_a_small_amount_ends_at_the_division_head(org, seoul):
    line = queries.default_line(seoul, org["staff"], doc_kind="core.general", amount=5_000_000)
    assert [s.kind for s in line] == ["draft", "review", "approve"]
    assert line[-1].assignee_id == org["chief"].pk


def test_default_line_for_a_large_amount_reaches_the_head(org, seoul):
    line = queries.default_line(seoul, org["staff"], doc_kind="core.general", amount=900_000_000)
    assert line[-1].assignee_id == org["mayor"].pk


def test_a_governments_own_rules_replace_the_national_defaults(org, seoul, operator):
    actions.do_set_policy(seoul, doc_kind="core.general", bands=[Band(None, Position.TEAM_LEAD)], actor=operator)
    assert queries.required_position_for(seoul, "core.general", 10**12) == Position.TEAM_LEAD
    assert queries.required_position_for(testing.government("2600000"), "core.general", 10**12) == Position.HEAD


def test_only_operators_change_delegation_rules(org, seoul):
    with pytest.raises(PermissionDenied):
        actions.do_set_policy(seoul, doc_kind="*", bands=[Band(None, 1)], actor=org["mayor"])


# --- the flow ---------------------------------------------------------------------------------------


def test_document_travels_the_line_and_is_approved_by_delegated_decision(org, seoul):
    request = submit(org, seoul, 8_000_000, [("review", org["lead"]), ("approve", org["chief"])])
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.required_position == Position.DIVISION_HEAD
    assert [s.status for s in request.steps.order_by("order")] == ["approved", "pending", "waiting"]
    assert list(queries.inbox(org["lead"]).values_list("request_id", flat=True)) == [request.pk]
    assert not queries.inbox(org["chief"]).exists()

    actions.do_approve(request.pk, actor=org["lead"], comment="이상 없음")
    assert list(queries.inbox(org["chief"]).values_list("request_id", flat=True)) == [request.pk]
    request = actions.do_approve(request.pk, actor=org["chief"])

    assert request.status == RequestStatus.APPROVED
    final = request.steps.get(order=3)
    assert (final.status, final.mode, final.acted_by_id) == ("approved", "delegated_final", org["chief"].pk)
    actions_logged = list(
        AuditEvent.objects.filter(object_type="core.approvalrequest", object_id=str(request.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_logged == ["core.approval.submit", "core.approval.approve", "core.approval.approve"]
    assert Notification.objects.filter(recipient=org["staff"], event="approval.approved").count() == 1


def test_a_line_whose_final_approver_lacks_authority_is_rejected_and_nothing_is_written(org, seoul):
    before = (ApprovalRequest.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidLine):
        submit(org, seoul, 80_000_000, [("review", org["lead"]), ("approve", org["chief"])])
    assert (ApprovalRequest.objects.count(), AuditEvent.objects.count()) == before


def test_a_retried_submission_returns_the_first_request(org, seoul):
    first = submit(org, seoul, 1_000, [("approve", org["chief"])])
    again = submit(org, seoul, 1_000, [("approve", org["chief"])])
    assert first.pk == again.pk
    assert ApprovalRequest.objects.filter(idempotency_key__endswith=":k1").count() == 1


def test_people_without_a_post_in_the_government_cannot_be_on_the_line(org, seoul, busan):
    stranger = testing.official(busan, Role.FINANCE_OFFICER, username="stranger", position=Position.HEAD)
    with pytest.raises(InvalidInput):
        submit(org, seoul, 1_000, [("approve", stranger)])


def test_only_the_current_assignee_may_decide(org, seoul):
    request = submit(org, seoul, 1_000, [("review", org["lead"]), ("approve", org["chief"])])
    with pytest.raises(PermissionDenied):
        actions.do_approve(request.pk, actor=org["chief"])
    with pytest.raises(NotFound):
        actions.do_approve(request.pk, actor=org["colleague"])  # same government, not on the line
    assert request.steps.get(order=2).status == StepStatus.PENDING


def test_an_outsider_from_another_government_gets_not_found_and_changes_nothing(org, seoul, busan):
    request = submit(org, seoul, 1_000, [("approve", org["chief"])])
    outsider = testing.official(busan, Role.AUDITOR, username="outsider", position=Position.HEAD)
    for act in (
        lambda: actions.do_approve(request.pk, actor=outsider),
        lambda: actions.do_reject(request.pk, actor=outsider, reason="x"),
        lambda: actions.do_withdraw(request.pk, actor=outsider),
        lambda: queries.visible_request(outsider, request.pk),
    ):
        with pytest.raises(NotFound):
            act()
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_returning_needs_a_reason_and_ends_the_line(org, seoul):
    request = submit(org, seoul, 1_000, [("review", org["lead"]), ("approve", org["chief"])])
    with pytest.raises(InvalidInput):
        actions.do_reject(request.pk, actor=org["lead"], reason="  ")
    request = actions.do_reject(request.pk, actor=org["lead"], reason="산출근거 보완 필요")
    assert request.status == RequestStatus.REJECTED
    assert [s.status for s in request.steps.order_by("order")] == ["approved", "rejected", "skipped"]
    assert request.steps.get(order=2).comment == "산출근거 보완 필요"
    with pytest.raises(Conflict):
        actions.do_approve(request.pk, actor=org["chief"])
    note = Notification.objects.get(recipient=org["staff"], event="approval.rejected")
    assert "산출근거 보완 필요" in note.body


def test_the_drafter_may_withdraw_until_someone_acts(org, seoul):
    request = submit(org, seoul, 1_000, [("review", org["lead"]), ("approve", org["chief"])])
    with pytest.raises(PermissionDenied):
        actions.do_withdraw(request.pk, actor=org["lead"])
    assert actions.do_withdraw(request.pk, actor=org["staff"]).status == RequestStatus.WITHDRAWN
    second = submit(org, seoul, 1_000, [("review", org["lead"]), ("approve", org["chief"])], key="k2")
    actions.do_approve(second.pk, actor=org["lead"])
    with pytest.raises(Conflict):
        actions.do_withdraw(second.pk, actor=org["staff"])


def test_a_substitute_decides_while_the_approver_is_away_and_the_approver_confirms_later(org, seoul):
    now = timezone.now()
    actions.do_appoint_substitute(
        seoul,
        delegator=org["chief"],
        substitute=org["lead"],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=2),
        reason="연가",
        actor=org["chief"],
    )
    request = submit(org, seoul, 1_000, [("approve", org["chief"])])
    assert list(queries.inbox(org["lead"]).values_list("request_id", flat=True)) == [request.pk]
    request = actions.do_approve(request.pk, actor=org["lead"])
    assert request.status == RequestStatus.APPROVED
    step = request.steps.get(order=2)
    assert (step.mode, step.acted_by_id, step.assignee_id) == ("substitute", org["lead"].pk, org["chief"].pk)
    assert list(queries.awaiting_post_review(org["chief"]).values_list("pk", flat=True)) == [step.pk]
    assert Notification.objects.filter(recipient=org["chief"], event="approval.acted_for_you").count() == 1
    actions.do_confirm_after(step.pk, actor=org["chief"])
    assert not queries.awaiting_post_review(org["chief"]).exists()


def test_an_expired_or_revoked_delegation_gives_no_authority(org, seoul):
    now = timezone.now()
    past = actions.do_appoint_substitute(
        seoul,
        delegator=org["chief"],
        substitute=org["lead"],
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=1),
        reason="출장",
        actor=org["chief"],
    )
    current = actions.do_appoint_substitute(
        seoul,
        delegator=org["chief"],
        substitute=org["colleague"],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        reason="교육",
        actor=org["chief"],
    )
    actions.do_revoke_substitute(current.pk, actor=org["chief"])
    request = submit(org, seoul, 1_000, [("approve", org["chief"])])
    for person in (org["lead"], org["colleague"]):
        with pytest.raises((PermissionDenied, NotFound)):
            actions.do_approve(request.pk, actor=person)
    assert past.revoked_at is None


def test_nobody_appoints_a_substitute_for_someone_else(org, seoul):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        actions.do_appoint_substitute(
            seoul,
            delegator=org["chief"],
            substitute=org["lead"],
            starts_at=now,
            ends_at=now + dt.timedelta(days=1),
            reason="연가",
            actor=org["lead"],
        )


def test_a_registered_document_kind_hears_the_final_decision(org, seoul):
    heard = []
    registry.register(
        registry.DocumentKind(
            "test.kind",
            "test",
            on_approved=lambda r, a: heard.append(("ok", r.pk, a.pk)),
            on_rejected=lambda r, a: heard.append(("no", r.pk, a.pk)),
        )
    )
    try:
        request = actions.do_submit_for_approval(
            government=seoul,
            doc_kind="test.kind",
            subject_type="x",
            subject_id=1,
            title="t",
            amount=1,
            line=[(StepKind.APPROVE, org["chief"])],
            actor=org["staff"],
            idempotency_key="t1",
        )
        actions.do_approve(request.pk, actor=org["chief"])
        assert heard == [("ok", request.pk, org["chief"].pk)]
    finally:
        registry.KINDS.pop("test.kind")


def test_unknown_document_kinds_are_refused(org, seoul):
    with pytest.raises(InvalidInput):
        actions.do_submit_for_approval(
            government=seoul,
            doc_kind="nope",
            subject_type="x",
            subject_id=1,
            title="t",
            amount=1,
            line=[("approve", org["chief"])],
            actor=org["staff"],
            idempotency_key="n1",
        )


# --- separation of duties and idempotency (review findings) ----------------------------------------------


def test_a_drafter_cannot_decide_their_own_document_as_acting_approver(org, seoul):
    now = timezone.now()
    actions.do_appoint_substitute(
        seoul,
        delegator=org["mayor"],
        substitute=org["staff"],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        reason="출장",
        actor=org["mayor"],
    )
    request = submit(org, seoul, 500_000_000, [("approve", org["mayor"])])
    with pytest.raises(SeparationOfDuties):
        actions.do_approve(request.pk, actor=org["staff"])
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_an_acting_approver_far_below_the_required_position_cannot_decide(org, seoul):
    now = timezone.now()
    actions.do_appoint_substitute(
        seoul,
        delegator=org["mayor"],
        substitute=org["colleague"],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        reason="출장",
        actor=org["mayor"],
    )
    request = submit(org, seoul, 500_000_000, [("approve", org["mayor"])])
    with pytest.raises(PermissionDenied):
        actions.do_approve(request.pk, actor=org["colleague"])  # a staff officer acting for the head


def test_the_deputy_may_act_for_the_head(org, seoul):
    now = timezone.now()
    actions.do_appoint_substitute(
        seoul,
        delegator=org["mayor"],
        substitute=org["deputy"],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        reason="출장",
        actor=org["mayor"],
    )
    request = submit(org, seoul, 500_000_000, [("approve", org["mayor"])])
    assert actions.do_approve(request.pk, actor=org["deputy"]).status == RequestStatus.APPROVED


def test_people_without_a_current_official_role_cannot_stand_on_a_line(org, seoul, operator):
    for membership in Membership.objects.filter(user=org["chief"]):
        do_revoke_membership(membership.pk, actor=operator)
    with pytest.raises(InvalidInput):
        submit(org, seoul, 1_000, [("approve", org["chief"])])


def test_a_reused_key_with_a_different_document_is_refused(org, seoul):
    submit(org, seoul, 1_000, [("approve", org["chief"])], key="same")
    with pytest.raises(KeyReused):
        submit(org, seoul, 2_000, [("approve", org["chief"])], key="same", title="다른 문서")


def test_the_same_key_in_another_government_is_another_document(org, seoul, busan):
    mine = submit(org, seoul, 1_000, [("approve", org["chief"])], key="shared-key")
    drafter = testing.official(busan, Role.BUDGET_OFFICER, username="b-drafter")
    boss = testing.official(busan, Role.OFFICIAL, username="b-boss", position=Position.HEAD)
    theirs = actions.do_submit_for_approval(
        government=busan,
        doc_kind="core.general",
        subject_type="core.general",
        subject_id="x",
        title="부산",
        amount=1,
        line=[("approve", boss)],
        actor=drafter,
        idempotency_key="shared-key",
    )
    assert theirs.pk != mine.pk and theirs.government_id == busan.pk


def test_someone_who_left_the_government_no_longer_sees_its_documents(org, seoul, operator):
    submit(org, seoul, 1_000, [("review", org["lead"]), ("approve", org["chief"])])
    assert queries.inbox(org["lead"]).count() == 1
    for membership in Membership.objects.filter(user=org["lead"]):
        do_revoke_membership(membership.pk, actor=operator)
    forget_roles(org["lead"])
    assert queries.inbox(org["lead"]).count() == 0
