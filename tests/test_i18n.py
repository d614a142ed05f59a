"""Every user-facing string has a Korean translation with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation import pgettext

from lofin.core.models.approvals import RequestStatus
from lofin.participation.models import ProposalStatus

LOCALE = Path(__file__).resolve().parents[1] / "src" / "lofin" / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}")


def catalogue(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as f:
        return read_po(f, locale=language)


def placeholders(text):
    return sorted(m.group(1) or m.group(2) for m in PLACEHOLDER.finditer(text))


def messages(language):
    return [m for m in catalogue(language) if m.id]


@pytest.mark.parametrize("message", messages("ko"), ids=lambda m: str(m.id)[:40])
def test_every_message_is_translated_into_korean_with_the_same_placeholders(message):
    assert not message.fuzzy
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    assert all(s.strip() for s in strings), f"untranslated: {ids[0]!r}"
    for s in strings:
        assert placeholders(s) == placeholders(ids[0]), f"placeholders differ in {ids[0]!r}"


def test_english_and_korean_catalogues_have_the_same_messages():
    assert {m.id for m in messages("ko")} == {m.id for m in messages("en")}


def test_one_english_word_takes_the_korean_word_of_its_screen():
    """A proposal is 철회 by its resident, an approval request 회수 by its drafter: contexts keep them apart."""
    with translation.override("ko"):
        assert (str(ProposalStatus.WITHDRAWN.label), str(RequestStatus.WITHDRAWN.label)) == ("철회", "회수")
        assert str(ProposalStatus.SUBMITTED.label) == "접수"
        assert (pgettext("assets", "Cost"), translation.gettext("Cost")) == ("취득원가", "사업비")
