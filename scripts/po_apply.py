"""Apply Korean translations from a JSON file {msgid: msgstr} to the ko catalogue, clearing fuzzy flags.

    .venv/bin/python scripts/po_apply.py translations.json
Used when translating new strings after `make messages-update`.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "src/lofin/locale/ko/LC_MESSAGES/django.po"


def main() -> None:
    translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ko")
    applied = 0
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in translations:
            value = translations[key]
            message.string = (value,) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
            # makemessages' guess ("#| msgid ...") is obsolete once translated; babel would keep it as "# |" noise.
            message.previous_id = []
            message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]
            applied += 1
    with PO.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=False, include_previous=True)
    print(f"applied {applied} of {len(translations)}")


if __name__ == "__main__":
    main()
