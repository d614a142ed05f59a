"""Messages of the voting engine and of `lofin pb`, in Korean (the default) or English, with or without Django.

The web app has Django set up: messages go through Django's gettext and its catalogue (`src/lofin/locale`). The
`lofin pb` command must start without Django (loading the project's settings and apps costs seconds): it chooses a
language with `activate` and reads the same compiled catalogue with the standard library's `gettext`. Messages added
for issue 11 live in this package's own catalogue (`messages/ko/LC_MESSAGES/lofin_pb.po`, read as text: no build step)
and are marked with `N_`, which Django's makemessages does not extract; `test_pb_messages.py` checks that every
message of the package has a Korean text in one of the two catalogues.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import os
import re
import sys
from functools import cache
from pathlib import Path

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
_HERE = Path(__file__).resolve().parent
# Not under a directory named `locale`: Django's makemessages would take one for this package's catalogue and move
# the package's gettext_noop messages out of the project's (src/lofin/locale), where the web app reads them.
OWN_CATALOGUE = _HERE / "messages" / "{lang}" / "LC_MESSAGES" / "lofin_pb.po"
PROJECT_LOCALE = _HERE.parent.parent / "locale"  # src/lofin/locale (Django's catalogue)

_active: str | None = None  # the bare CLI's language; None = untranslated (a library call without Django)


def N_(message: str) -> str:
    """Marks a message of this package's own catalogue; `translate` renders it."""
    return message


def activate(language: str | None) -> str:
    """Choose the language of messages rendered without Django: `language`, else $LOFIN_LANGUAGE, else Korean."""
    global _active
    chosen = (language or os.environ.get("LOFIN_LANGUAGE") or DEFAULT_LANGUAGE).strip().lower()[:2]
    _active = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    return _active


def active_language() -> str | None:
    return _active


def translate(message: str) -> str:
    """The message in the current language: Django's when the web app has set Django up, else the CLI's."""
    apps_module = sys.modules.get("django.apps")
    if apps_module is not None and apps_module.apps.ready:
        # lazy: only reached once Django is loaded; a top-level import would load Django in `lofin pb`
        from django.utils.translation import get_language, gettext  # noqa: PLC0415, RUF100

        translated = gettext(message)
        if translated != message:
            return translated
        return _own(get_language() or DEFAULT_LANGUAGE).get(message, message)
    if _active is None or _active == "en":
        return message
    own = _own(_active).get(message)
    return own if own is not None else _project(_active).gettext(message)


@cache
def _own(language: str) -> dict[str, str]:
    path = Path(str(OWN_CATALOGUE).format(lang=language[:2]))
    return read_po(path) if path.exists() else {}


@cache
def _project(language: str) -> stdlib_gettext.NullTranslations:
    """Django's compiled catalogue (`make install` compiles it); its .po text when it has not been compiled."""
    directory = PROJECT_LOCALE / language / "LC_MESSAGES"
    compiled = directory / "django.mo"
    if compiled.exists():
        with compiled.open("rb") as f:
            return stdlib_gettext.GNUTranslations(f)
    source = directory / "django.po"
    table = read_po(source) if source.exists() else {}
    translations = stdlib_gettext.NullTranslations()
    translations.gettext = lambda message: table.get(message, message)  # type: ignore[method-assign]
    return translations


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    text = "".join(_QUOTED.findall(line))
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a gettext .po file (entries separated by blank lines). Entries with a context or a plural
    (the engine's messages have none), an empty translation or a fuzzy mark are left out, as gettext leaves them."""
    table: dict[str, str] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        parts: dict[str, list[str]] = {}
        current: list[str] | None = None
        fuzzy = False
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("#"):
                fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
                continue
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgid", "msgstr", "msgctxt", "msgid_plural") or keyword.startswith("msgstr["):
                current = parts.setdefault(keyword, [])
                current.append(_unquote(rest))
            elif line.startswith('"') and current is not None:
                current.append(_unquote(line))
        if "msgctxt" in parts or "msgid_plural" in parts or fuzzy:
            continue
        key, value = "".join(parts.get("msgid", [])), "".join(parts.get("msgstr", []))
        if key and value:
            table[key] = value
    return table
