"""Apply Korean translations from a JSON file {msgid: msgstr} to the ko catalogue, clearing fuzzy flags.

    .venv/bin/python scripts/po_apply.py translations.json
Used when translating new strings after `make messages-update`.

Keys: the msgid (a plural entry is keyed by its singular msgid); an entry with a msgctxt is keyed
"context\\u0004msgid" (gettext's own separator), so a plain key never touches an entry with a context.
Values: the Korean text; for a plural entry either one text (Korean has one plural form) or a list of forms.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "src/lofin/locale/ko/LC_MESSAGES/django.po"
CONTEXT_SEPARATOR = "\x04"


def _key(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}{CONTEXT_SEPARATOR}{msgid}" if message.context else msgid


def _forms(message, value, nplurals: int):
    if not isinstance(message.id, tuple):
        if not isinstance(value, str):
            raise SystemExit(f"{message.id!r} is not a plural entry: give one text, not {value!r}")
        return value
    forms = [value] if isinstance(value, str) else list(value)
    if not forms or not all(isinstance(f, str) for f in forms):
        raise SystemExit(f"{message.id[0]!r}: give a text or a list of texts, not {value!r}")
    # Fill or trim to the catalogue's number of forms (Korean: one).
    forms = (forms + [forms[-1]] * nplurals)[:nplurals]
    return tuple(forms)


def main() -> None:
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ko")
    nplurals = catalog.num_plurals
    applied, used = 0, set()
    for message in catalog:
        if not message.id:
            continue
        key = _key(message)
        if key in translations:
            message.string = _forms(message, translations[key], nplurals)
            message.flags.discard("fuzzy")
            # makemessages' guess ("#| msgid ...") is obsolete once translated; babel would keep it as "# |" noise.
            message.previous_id = []
            message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]
            applied += 1
            used.add(key)
    with PO.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=False, include_previous=True)
    print(f"applied {applied} of {len(translations)}")
    unused = sorted(set(translations) - used)
    if unused:
        print("not in the catalogue (check the msgid, or add 'context\\u0004' for an entry with a msgctxt):")
        for key in unused:
            print("  ", key.replace(CONTEXT_SEPARATOR, " | "))


if __name__ == "__main__":
    main()
