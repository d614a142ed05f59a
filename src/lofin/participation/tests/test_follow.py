"""Following a proposal: the proposer follows their own, residents follow any; every decision on it and every
answer to a question about it reaches the followers through the platform's notifications, in their language, with
the reason and a link to the proposal's page. A refused decision tells nobody. Overdue questions show as such."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from lofin.core import testing
from lofin.core.errors import InvalidInput, NotFound, PermissionDenied
from lofin.core.models import AuditEvent, Membership, Notification, OutboundMessage
from lofin.core.roles import AccountType
from lofin.participation.actions import comments, questions, review
from lofin.participation.actions import follows as follow_actions
from lofin.participation.errors import NotVerified
from lofin.participation.models import Follow, PhaseKind, Question
from lofin.participation.testing import build_pb

pytestmark = pytest.mark.django_db
GOV = "1133000"
STATUS = follow_actions.STATUS_EVENT


def audit_count(action):
    return AuditEvent.objects.filter(action=action).count()


def test_followers_are_told_of_each_decision_with_its_reason_and_a_refusal_tells_nobody():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    first = pb.proposals[0]
    kim, han = pb.users["김민준"], pb.users["한지민"]  # the proposer, and a verified resident on no list
    assert list(Follow.objects.filter(proposal=first).values_list("user", flat=True)) == [kim.pk]
    han.preferred_language = "en"
    han.save(update_fields=["preferred_language"])
    follow_actions.do_follow_proposal(first, actor=han)
    follow_actions.do_follow_proposal(first, actor=han)  # again: nothing changes
    assert Follow.objects.filter(proposal=first).count() == 2
    assert audit_count("participation.proposal.follow") == 1
    with pytest.raises(PermissionDenied):
        follow_actions.do_follow_proposal(first, actor=pb.manager)  # officials do not follow as residents
    with pytest.raises(NotFound):
        outsider = testing.person(testing.government("1134000"), AccountType.RESIDENT, username="outsider")
        follow_actions.do_follow_proposal(first, actor=outsider)
    with pytest.raises(NotVerified):
        follow_actions.do_follow_proposal(first, actor=testing.person(pb.gov, username="newcomer"))

    review.do_start_review(first, department=pb.department, actor=pb.manager)
    path = reverse("participation:proposal", args=[GOV, first.pk])
    (hers,) = Notification.objects.filter(recipient=han, event=STATUS)
    assert (hers.url, hers.government_id) == (path, pb.gov.pk)
    assert hers.title == f"Proposal no. 1 “{first.title}”: under department review"  # in her language
    assert "Reason" not in hers.body and hers.body.endswith(path)
    assert follow_actions.do_unfollow_proposal(first, actor=han) is True
    assert follow_actions.do_unfollow_proposal(first, actor=han) is False
    assert audit_count("participation.proposal.unfollow") == 1

    pb.advance(PhaseKind.DEPARTMENT_REVIEW)
    before = Notification.objects.count()
    with pytest.raises(InvalidInput):
        review.do_review_proposal(first, feasible=False, reason=" ", actor=pb.reviewer)
    assert Notification.objects.count() == before
    review.do_review_proposal(first, feasible=False, reason="사유지라 불가", actor=pb.reviewer)
    his = list(Notification.objects.filter(recipient=kim, event=STATUS).order_by("id"))
    assert len(his) == 2 and "사유지라 불가" in his[1].body and his[1].url == path
    assert Notification.objects.filter(recipient=han, event=STATUS).count() == 1  # she stopped following
    assert not Notification.objects.filter(recipient__in=[pb.manager, pb.reviewer]).exists()  # deciders aren't told


def test_an_answer_reaches_asker_and_followers_and_overdue_questions_show(travel):
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    first = pb.proposals[0]  # 김민준's: he follows it
    kim, lee = pb.users["김민준"], pb.users["이서연"]
    travel(pb.today - dt.timedelta(days=40))
    late = questions.do_ask_question(pb.gov, title="일정", body="언제?", proposal=first, actor=lee)
    travel(pb.today)
    fresh = questions.do_ask_question(pb.gov, title="예산", body="얼마?", cycle=pb.cycle, actor=lee)
    assert (late.is_overdue, fresh.is_overdue) == (True, False)
    client = Client()
    client.force_login(lee)
    mine = client.get(reverse("participation:mine", args=[GOV])).content.decode()
    assert mine.count('class="status overdue"') == 1
    client.force_login(pb.reviewer)
    page = client.get(reverse("participation_admin:answer", args=[GOV, late.pk])).content.decode()
    assert 'class="overdue"' in page

    questions.do_answer_question(late, body="12월에 착공합니다", actor=pb.reviewer)
    assert not Question.objects.get(pk=late.pk).is_overdue
    told = Notification.objects.filter(event=follow_actions.ANSWER_EVENT)
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted([kim.username, lee.username])
    note = told.get(recipient=lee)
    assert note.url == reverse("participation:proposal", args=[GOV, first.pk]) and "12월에 착공합니다" in note.body

    client.force_login(lee)
    mine = client.get(reverse("participation:mine", args=[GOV])).content.decode()
    assert 'class="status overdue"' not in mine
    assert note.title in mine  # her notifications
    assert reverse("participation:proposal", args=[GOV, pb.proposals[1].pk]) in mine  # what she follows: her own


def test_followers_see_new_comments_in_the_app_and_the_author_is_not_told():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    first = pb.proposals[0]
    kim, han = pb.users["김민준"], pb.users["한지민"]  # the proposer follows; 한지민 comments
    with pytest.raises(InvalidInput):
        comments.do_comment(first, body="  ", actor=han)
    assert not Notification.objects.filter(event=follow_actions.COMMENT_EVENT).exists()
    comments.do_comment(first, body="저도 필요하다고 생각합니다.", actor=han)
    (note,) = Notification.objects.filter(event=follow_actions.COMMENT_EVENT)
    assert note.recipient_id == kim.pk and "저도 필요하다고 생각합니다." in note.body
    assert note.url == reverse("participation:proposal", args=[GOV, first.pk])
    # In the app only by default: no e-mail for every comment.
    assert not OutboundMessage.objects.filter(idempotency_key__startswith=follow_actions.COMMENT_EVENT).exists()
    follow_actions.do_follow_proposal(first, actor=han)
    comments.do_comment(first, body="감사합니다.", actor=kim)
    assert Notification.objects.filter(event=follow_actions.COMMENT_EVENT, recipient=han).count() == 1
    assert Notification.objects.filter(event=follow_actions.COMMENT_EVENT, recipient=kim).count() == 1


def test_someone_who_is_no_longer_a_resident_can_still_stop_following():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    first = pb.proposals[0]
    han = pb.users["한지민"]
    follow_actions.do_follow_proposal(first, actor=han)
    Membership.objects.filter(user=han).update(valid_until=dt.date(2000, 1, 1))
    assert follow_actions.do_unfollow_proposal(first, actor=han) is True
    assert not Follow.objects.filter(proposal=first, user=han).exists()


def test_follow_and_unfollow_on_the_proposal_page():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    first = pb.proposals[0]
    han = pb.users["한지민"]
    client = Client()
    client.force_login(han)
    page = reverse("participation:proposal", args=[GOV, first.pk])
    url = reverse("participation:follow", args=[GOV, first.pk])
    assert 'name="follow" value="1"' in client.get(page).content.decode()
    assert client.post(url, {"follow": "1"}).status_code == 302
    assert Follow.objects.filter(proposal=first, user=han).exists()
    assert 'name="follow" value="0"' in client.get(page).content.decode()
    assert client.post(url, {"follow": "0"}).status_code == 302
    assert not Follow.objects.filter(proposal=first, user=han).exists()
    client.force_login(pb.manager)
    assert client.post(url, {"follow": "1"}).status_code == 403
    assert not Follow.objects.filter(proposal=first, user=pb.manager).exists()


def test_the_migration_makes_the_proposers_of_earlier_proposals_follow_them():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    Follow.objects.all().delete()
    migration = import_module("lofin.participation.migrations.0002_follow")
    migration.proposers_follow(apps, None)
    migration.proposers_follow(apps, None)  # again: nothing doubles
    expected = sorted((p.pk, p.proposer_id) for p in pb.proposals)
    assert sorted(Follow.objects.values_list("proposal_id", "user_id")) == expected
