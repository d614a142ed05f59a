"""The service entry pages say what works and what does not, and lead an official to the parts that work."""

from __future__ import annotations

import pytest
from django.test import Client

from lofin.core import testing
from lofin.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_ehojo_entry_lists_what_works_and_only_the_rest_as_not_built():
    page = Client().get("/ehojo/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    works, _, not_built = page.partition("<h2>개발 예정</h2>")
    assert 'data-status="partly-built"' in works
    for part in ("예산 편성", "예산 집행", "결산"):
        assert part in works, part
    assert "계약" in not_built and "금고" in not_built
    for part in ("예산 편성", "결산"):
        assert part not in not_built.split("</ul>")[0], part


def test_an_official_is_led_to_budget_execution_and_the_books_of_each_government():
    seoul = testing.government("1100000")
    official = testing.official(seoul, Role.FINANCE_OFFICER)
    client = Client()
    client.force_login(official)
    page = client.get("/ehojo/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    for url in ("/g/1100000/budget/", "/g/1100000/execution/", "/g/1100000/accounting/"):
        assert f'href="{url}"' in page, url
