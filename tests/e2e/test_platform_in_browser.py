"""The home page in Korean and English, logging in, the approval inbox and a decision, in a real browser."""

import pytest
from django.conf import settings

from lofin.demo import registry
from tests.e2e.walk import ko, no_horizontal_scroll, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.LOFIN_DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    settle(page)


def test_home_in_korean_and_english_log_in_and_decide(live_server, page, axe):
    registry.run("tiny")
    base = live_server.url

    page.goto(base + "/")
    assert page.get_attribute("html", "lang") == "ko"
    title = ko("Local finance management system")
    assert title != "Local finance management system", "the Korean catalogue is not compiled"
    assert page.inner_text("h1") == title
    assert page.locator(".cards h3").all_inner_texts() == [
        "e호조+",
        "보탬e",
        "정책도움e",
        "e호조+빌",
        "주민e참여",
        "지방재정365",
    ]
    axe.check(page, "home-ko")

    page.click("button[name=language][value=en]")
    settle(page)
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Local finance management system"
    axe.check(page, "home-en")
    page.click("button[name=language][value=ko]")

    page.goto(base + "/ehojo/")
    assert page.locator("[data-status=partly-built]").count() == 1
    page.goto(base + "/bill/")
    assert page.locator("[data-status=not-built]").count() == 1
    page.goto(base + "/ehojo/")
    axe.check(page, "service-ehojo")

    page.goto(f"{base}/accounts/login/")
    axe.check(page, "login")
    log_in(page, base, "seoul.budget-lead")
    assert page.locator("text=서울특별시").count() >= 1

    page.goto(base + "/me/inbox/")
    rows = page.locator("#pending tbody tr")
    assert rows.count() >= 1
    axe.check(page, "inbox")
    rows.first.locator("a").click()
    settle(page)
    axe.check(page, "approval-detail")
    page.fill("#id_comment", "검토 완료")
    page.click("button[name=decision][value=approve]")
    settle(page)
    assert page.locator("#line td", has_text="검토 완료").count() == 1
    axe.check(page, "approval-after-decision")

    # The division head decides the document (위임전결: up to 1천만 원 at the division head).
    page.click("header button.link-button")
    log_in(page, base, "seoul.budget-chief")
    page.goto(base + "/me/inbox/")
    page.locator("#pending tbody tr a", has_text="청사 시설 유지보수").click()
    settle(page)
    page.click("button[name=decision][value=approve]")
    settle(page)
    assert page.inner_text("#approval-status") == ko("approved")

    page.goto(base + "/g/1100000/")
    axe.check(page, "workspace")
    page.goto(base + "/g/1100000/draft/")
    axe.check(page, "draft")

    # 대결: the division head appoints an acting approver, at a desk's width and a phone's; the list shows it.
    for name, width in (("desktop", 1440), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + "/g/1100000/delegations/")
        axe.check(page, f"delegations-{name}")
        assert no_horizontal_scroll(page), name
    page.select_option("#id_substitute", index=1)
    page.fill("#id_starts_at", "2026-12-20T09:00")
    page.fill("#id_ends_at", "2026-12-24T18:00")
    page.fill("#id_reason", "연가")
    page.click("form.stack button.primary")
    settle(page)
    assert page.locator("table.data tbody tr", has_text="연가").count() == 1
    axe.check(page, "delegations-appointed-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(base + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info")
