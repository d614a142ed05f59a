"""Every message of the voting engine and of `lofin pb` has its Korean text, and `lofin pb` speaks Korean without
Django: the messages marked `N_` in the engine's own catalogue, those marked `gettext_noop` in the project's."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from lofin.participation.voting import i18n
from lofin.participation.voting.i18n import OWN_CATALOGUE, PROJECT_LOCALE, read_po

PACKAGE = Path(__file__).resolve().parent.parent


def marked(marker: str) -> set[str]:
    found = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == marker and node.args:
                argument = node.args[0]
                assert isinstance(argument, ast.Constant), f"{path.name}: {marker} needs a literal"
                found.add(argument.value)
    return found


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sdr]", text))


@pytest.mark.parametrize(
    ("marker", "catalogue"),
    [
        ("N_", Path(str(OWN_CATALOGUE).format(lang="ko"))),
        ("gettext_noop", PROJECT_LOCALE / "ko" / "LC_MESSAGES" / "django.po"),
    ],
)
def test_every_message_has_its_korean_text_with_the_same_placeholders(marker, catalogue):
    korean = read_po(catalogue)
    messages = marked(marker)
    assert messages
    missing = sorted(m for m in messages if m not in korean)
    assert missing == []
    assert [m for m in messages if placeholders(m) != placeholders(korean[m])] == []


def test_the_bare_engine_speaks_korean_by_default_and_english_on_request(monkeypatch):
    # as `lofin pb` runs it: Django is not set up, so `translate` reads the catalogues itself
    monkeypatch.setattr(i18n, "_active", None)  # restored after the test
    monkeypatch.delenv("LOFIN_LANGUAGE", raising=False)
    with monkeypatch.context() as m:
        m.setattr("django.apps.apps.ready", False)
        assert i18n.activate(None) == "ko"
        assert i18n.translate("No such file: %(file)s") == "파일이 없습니다: %(file)s"
        assert i18n.translate("line %(line)d: %(message)s") == "%(line)d번째 줄: %(message)s"  # django.po
        assert i18n.activate("en") == "en"
        assert i18n.translate("No such file: %(file)s") == "No such file: %(file)s"


def test_the_web_app_finds_the_engines_own_messages_through_django():
    with translation.override("ko"):
        assert i18n.translate("No such file: %(file)s") == "파일이 없습니다: %(file)s"
    with translation.override("en"):
        assert i18n.translate("No such file: %(file)s") == "No such file: %(file)s"
