"""주민e참여 in a real browser, in Korean: the public pages and the officials' pages pass axe-core; a ranked ballot
is completed with the keyboard alone (Tab, Space, Enter, Alt+arrow keys); the k-approval and knapsack ballots show
their limits live; the ballot works on a phone-sized viewport (375×667) and at 200% zoom (a 1280-wide window
zoomed to 200% lays out in 640 CSS pixels) without horizontal scrolling."""

import datetime as dt
import threading

import pytest

from lofin.budget.actions import setup as budget_setup
from lofin.budget.testing import build_setup
from lofin.core import testing
from lofin.core.roles import AccountType
from lofin.gateway.simulators import identity as simulator
from lofin.participation.actions import ballots, questions, review
from lofin.participation.models import Ballot, BallotKind, Follow, PhaseKind, Resident, RollEntry
from lofin.participation.testing import PEOPLE, build_pb
from tests.e2e.walk import Walk, ko, no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector, limit=200):
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_public_resident_and_official_pages_pass_axe(live_server, page, axe):
    pb = build_pb()
    ui = Walk(page, live_server.url, axe)
    g, c = pb.gov.code, pb.cycle.pk
    ui.go("/participation/", "pb-index")
    ui.go(f"/participation/{g}/", "pb-home")
    assert page.locator("[aria-current=step]").inner_text().startswith(ko("resident vote (주민투표)"))
    ui.go(f"/participation/{g}/{c}/proposals/", "pb-proposals")
    page.fill("#q", "제안 2")
    page.keyboard.press("Enter")
    # htmx swaps the results in place (and pushes the filtered URL).
    page.wait_for_function("document.querySelectorAll('#proposal-results tbody tr').length === 1")
    assert "q=" in page.url
    ui.go(f"/participation/{g}/proposals/{pb.proposals[3].pk}/", "pb-proposal")
    assert "유사 사업 진행 중" in page.inner_text("main")
    ui.go(f"/participation/{g}/{c}/results/", "pb-results-empty")
    ui.go(f"/participation/{g}/{c}/tracking/", "pb-tracking")
    ui.go(f"/participation/{g}/questions/", "pb-questions")

    ui.log_in("resident1")
    ui.go(f"/participation/{g}/verify/", "pb-verify")
    ui.go(f"/participation/{g}/mine/", "pb-mine")
    ui.go(f"/participation/{g}/questions/ask/", "pb-ask")
    page.click("button[type=submit].primary")
    ui.settle()
    assert page.locator("#id_title_error1").count() == 1
    axe.check(page, "pb-ask-refused")
    ui.go(f"/participation/{g}/{c}/vote/", "pb-vote-approval")
    page.check(f"#approve-{pb.proposals[0].pk}")
    page.click("#ballot button[type=submit]")
    ui.settle()
    axe.check(page, "pb-vote-confirm")
    page.click("button[name=confirm][value='1']")
    ui.settle()
    assert page.locator("#receipt").count() == 1
    axe.check(page, "pb-my-vote")

    ui.log_in("pb-clerk")
    ui.go(f"/g/{g}/participation/{c}/paper/", "pb-paper")
    ui.log_in("pb-manager")
    ui.go(f"/g/{g}/", "workspace-with-pb")
    ui.go(f"/g/{g}/participation/", "pb-admin-workspace")
    ui.go(f"/g/{g}/participation/new/", "pb-admin-new-cycle")
    ui.go(f"/g/{g}/participation/resident-list/", "pb-admin-census")
    ui.go(f"/g/{g}/participation/proposals/{pb.proposals[0].pk}/", "pb-admin-proposal")
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    ui.go(f"/g/{g}/participation/{c}/", "pb-admin-cycle")
    page.click("form[action$='/count/'] button")
    ui.settle()
    axe.check(page, "pb-admin-counted")
    ui.go(f"/g/{g}/participation/{c}/override/", "pb-admin-override")
    setup = build_setup(g, year=pb.cycle.year)
    budget_setup.do_open_original(pb.gov, year=pb.cycle.year, actor=setup.officer)
    ui.go(f"/g/{g}/participation/{c}/adopt/", "pb-admin-adopt")
    ui.go(f"/participation/{g}/{c}/results/", "pb-results")
    assert page.locator(".pb-explain tbody tr").count() == 3


def test_ranked_ballot_with_the_keyboard_only(live_server, page, axe):
    pb = build_pb(ballot_kind=BallotKind.RANKED)
    ui = Walk(page, live_server.url, axe)
    ui.log_in("resident1")
    ui.go(f"/participation/{pb.gov.code}/{pb.cycle.pk}/vote/", "pb-vote-ranked")
    first, second, third = pb.proposals[:3]
    # Tick the third project and the first one with Space.
    tab_to(page, f"#rank-{third.pk}")
    page.keyboard.press("Space")
    tab_to(page, f"#rank-{first.pk}")
    page.keyboard.press("Space")
    # Move the third project to the top: twice "move up" with Enter.
    tab_to(page, f"li[data-id='{third.pk}'] button[data-move=up]")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.locator(".pb-choices > li").first.get_attribute("data-id") == str(third.pk)
    # Alt+ArrowDown on a focused project moves it down: the second project goes below the first.
    tab_to(page, f"#rank-{second.pk}")
    page.keyboard.press("Alt+ArrowDown")
    order = page.locator(".pb-choices > li").evaluate_all("els => els.map(e => e.dataset.id)")
    assert order.index(str(second.pk)) > order.index(str(first.pk))
    assert page.inner_text(f"li[data-id='{third.pk}'] .pb-pos").strip().endswith("1")
    axe.check(page, "pb-vote-ranked-moved")
    tab_to(page, "#ballot button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("button[name=confirm][value='1']")
    tab_to(page, "button[name=confirm][value='1']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#receipt")
    ballot = Ballot.objects.get(cycle=pb.cycle)
    assert list(ballot.choices.order_by("rank").values_list("proposal_id", flat=True)) == [third.pk, first.pk]


def test_k_approval_on_a_phone_and_at_200_percent_zoom(live_server, page, axe):
    pb = build_pb(ballot_kind=BallotKind.K_APPROVAL, max_choices=2)
    ui = Walk(page, live_server.url, axe)
    ui.log_in("resident1")
    url = f"/participation/{pb.gov.code}/{pb.cycle.pk}/vote/"
    for name, size in (("phone", (375, 667)), ("zoom200", (640, 450))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        ui.go(url, f"pb-vote-k-{name}")
        assert no_horizontal_scroll(page), name
        page.check(f"#approve-{pb.proposals[0].pk}")
        page.check(f"#approve-{pb.proposals[1].pk}")
        assert page.inner_text("#ballot-status [data-count]") == "2"
        # The limit is reached: the other projects cannot be ticked until one is unticked.
        assert page.is_disabled(f"#approve-{pb.proposals[2].pk}")
        page.uncheck(f"#approve-{pb.proposals[1].pk}")
        assert page.is_enabled(f"#approve-{pb.proposals[2].pk}")
        button = page.locator("#ballot button[type=submit]")
        button.scroll_into_view_if_needed()
        assert button.is_visible() and no_horizontal_scroll(page), name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_knapsack_total_and_cumulative_points_are_shown_live(live_server, page, axe):
    pb = build_pb(ballot_kind=BallotKind.KNAPSACK)
    ui = Walk(page, live_server.url, axe)
    ui.log_in("resident1")
    ui.go(f"/participation/{pb.gov.code}/{pb.cycle.pk}/vote/", "pb-vote-knapsack")
    page.check(f"#approve-{pb.proposals[0].pk}")  # 30,000,000
    page.check(f"#approve-{pb.proposals[1].pk}")  # 40,000,000
    assert page.inner_text("#ballot-status [data-total]") == "70,000,000"
    page.check(f"#approve-{pb.proposals[2].pk}")  # 20,000,000
    assert page.inner_text("#ballot-status [data-total]") == "90,000,000"
    axe.check(page, "pb-vote-knapsack-filled")

    points = build_pb("1111000", ballot_kind=BallotKind.CUMULATIVE, max_points=5, prefix="c")
    ui.log_in("cresident1")
    ui.go(f"/participation/{points.gov.code}/{points.cycle.pk}/vote/", "pb-vote-cumulative")
    page.fill(f"#points-{points.proposals[0].pk}", "3")
    assert page.inner_text("#ballot-status [data-left]") == "2"
    page.fill(f"#points-{points.proposals[1].pk}", "4")
    assert page.inner_text("#ballot-status [data-left]") == "-2"
    page.click("#ballot button[type=submit]")
    ui.settle()
    assert page.locator("#ballot-error").count() == 1
    axe.check(page, "pb-vote-cumulative-refused")
    assert not Ballot.objects.filter(cycle=points.cycle).exists()


@pytest.fixture
def identity_service(settings):
    """The identity-check simulator as a real HTTP server, in test mode (it returns the code it sent)."""
    server = simulator.make_server(clients={"site-e2e": "secret-e2e"}, ttl=60)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.LOFIN_IDENTITY_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LOFIN_IDENTITY_CLIENT_ID, settings.LOFIN_IDENTITY_SECRET = "site-e2e", "secret-e2e"
    yield server
    server.shutdown()
    server.server_close()


def test_a_new_resident_verifies_with_the_phone_and_is_matched_to_the_list(live_server, page, axe, identity_service):
    pb = build_pb()
    person = PEOPLE[4]  # on the resident list, without an account yet
    testing.person(pb.gov, AccountType.RESIDENT, username="newcomer")
    ui = Walk(page, live_server.url, axe)
    ui.log_in("newcomer")
    ui.go(f"/participation/{pb.gov.code}/", "pb-home-unverified")
    page.click(f"a[href$='/participation/{pb.gov.code}/verify/']")
    ui.settle()
    page.fill("#id_name", person.name)
    page.fill("#id_birth_date", person.birth_date.isoformat())
    page.select_option("#id_sex_digit", person.sex)
    page.select_option("#id_carrier", "KT")
    page.fill("#id_phone", "010-1234-5678")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#id_code")
    axe.check(page, "pb-verify-code")
    code = page.inner_text("#test-code").split()[-1].rstrip(".")
    wrong = "000000" if code != "000000" else "111111"
    page.fill("#id_code", wrong)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#id_code_error1")
    assert not Resident.objects.filter(user__username="newcomer").exists()
    axe.check(page, "pb-verify-wrong-code")
    page.fill("#id_code", code)
    page.click("button[type=submit].primary")
    ui.settle()
    resident = Resident.objects.get(user__username="newcomer")
    assert resident.basis == "resident"
    assert person.name in page.inner_text(".messages")


def test_review_score_and_adoption_forms_pass_axe(live_server, page, axe):
    pb = build_pb(phase=PhaseKind.PROPOSAL, prefix="r")
    ui = Walk(page, live_server.url, axe)
    g, p = pb.gov.code, pb.proposals[0]
    ui.log_in("rpb-manager")
    ui.go(f"/g/{g}/participation/proposals/{p.pk}/", "pb-admin-send-for-review")
    page.click("button[type=submit].primary")
    ui.settle()
    pb.advance(PhaseKind.DEPARTMENT_REVIEW)
    ui.log_in("rpb-reviewer")
    ui.go(f"/g/{g}/participation/proposals/{p.pk}/", "pb-admin-review-form")
    page.click("button[type=submit].primary")  # nothing chosen: errors next to the fields
    ui.settle()
    assert page.locator("#id_reason_error1").count() == 1
    axe.check(page, "pb-admin-review-refused")
    page.check("#id_feasible_0")
    page.fill("#id_reviewed_cost", "25,000,000")
    page.fill("#id_reason", "현장 확인 결과 가능")
    page.click("button[type=submit].primary")
    ui.settle()
    for other in pb.proposals[1:]:
        review.do_start_review(other, department=pb.department, actor=pb.manager)
        review.do_review_proposal(other, feasible=True, reason="가능", actor=pb.reviewer)
    pb.advance(PhaseKind.COMMITTEE_REVIEW)
    ui.go(f"/g/{g}/participation/proposals/{p.pk}/", "pb-admin-score-form")
    ui.go(f"/participation/{g}/proposals/{p.pk}/", "pb-proposal-reviewed")
    assert "현장 확인 결과 가능" in page.inner_text("main")


def test_paper_ballots_are_entered_from_the_keyboard_and_replace_online_ones(live_server, page, axe):
    pb = build_pb(prefix="p")
    ballots.do_cast_ballot(pb.cycle, approvals=[pb.proposals[0].pk], actor=pb.users["김민준"])
    ui = Walk(page, live_server.url, axe)
    ui.log_in("ppb-clerk")
    ui.go(f"/g/{pb.gov.code}/participation/{pb.cycle.pk}/paper/", "pb-paper-form")
    for person, marks in ((PEOPLE[0], "2 3"), (PEOPLE[4], "1")):
        # The voter's name has the focus; everything else is typed, Tab from field to field, Enter to enter.
        assert page.evaluate("document.activeElement.id") == "id_name"
        page.keyboard.type(person.name)
        tab_to(page, "#id_birth_date")
        page.keyboard.type(person.birth_date.strftime("%y%m%d"))  # the front of the resident number
        tab_to(page, "#id_sex_digit")
        page.keyboard.type(person.sex)
        tab_to(page, "#id_choices")
        page.keyboard.type(marks)
        page.keyboard.press("Enter")
        page.wait_for_selector(".messages")
        ui.settle()
    # Two ballots; the turnout roll keeps 김민준's replaced online vote, inactive, next to his paper one.
    assert Ballot.objects.filter(cycle=pb.cycle).count() == 2
    roll = RollEntry.objects.filter(cycle=pb.cycle, resident=pb.residents[PEOPLE[0].name])
    assert sorted(roll.values_list("channel", "is_active")) == [("online", False), ("paper", True)]
    axe.check(page, "pb-paper-entered")


def test_a_resident_follows_a_proposal_and_reads_what_was_decided(live_server, page, axe, travel):
    """Follow from the proposal page, be told of the department's decision on 나의 참여, see an overdue question."""
    pb = build_pb(phase=PhaseKind.PROPOSAL, prefix="f")
    g, first = pb.gov.code, pb.proposals[0]
    han = pb.users["한지민"]
    travel(pb.today - dt.timedelta(days=40))
    questions.do_ask_question(pb.gov, title="착공 시기", body="언제?", proposal=first, actor=han)
    travel(pb.today)
    ui = Walk(page, live_server.url, axe)
    ui.log_in(han.username)
    ui.go(f"/participation/{g}/proposals/{first.pk}/", "pb-proposal-not-followed")
    page.click("form.pb-follow button[type=submit]")
    ui.settle()
    assert Follow.objects.filter(proposal=first, user=han).exists()
    assert page.locator("form.pb-follow input[name=follow][value='0']").count() == 1
    axe.check(page, "pb-proposal-followed")
    review.do_start_review(first, department=pb.department, actor=pb.manager)
    ui.go(f"/participation/{g}/mine/", "pb-mine-following")
    assert page.locator(".pb-notifications li.unread a").count() == 1
    assert page.locator(f".pb-notifications a[href$='/proposals/{first.pk}/']").count() == 1
    assert page.locator(".status.overdue").count() == 1
    page.click(".pb-notifications li.unread a")
    ui.settle()
    assert page.url.endswith(f"/participation/{g}/proposals/{first.pk}/")
