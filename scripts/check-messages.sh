#!/usr/bin/env bash
# Fails if the code or templates contain a translatable string missing from the Korean catalogue, or if an entry
# of the catalogue has no Korean text or is fuzzy
# (fix: `make messages-update`, then translate the new entries in src/lofin/locale/ko/LC_MESSAGES/django.po).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v xgettext >/dev/null 2>&1; then
  echo "gettext is not installed (apt-get install gettext): cannot check the message catalogue" >&2
  exit 1
fi
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
cp -r "$ROOT/src/lofin" "$TMP/lofin"
(cd "$TMP/lofin" && DJANGO_SETTINGS_MODULE=lofin.settings PYTHONPATH="$ROOT/src" \
  "$ROOT/.venv/bin/django-admin" makemessages -l ko --no-location --no-obsolete --ignore "tests/*" >/dev/null)
"$ROOT/.venv/bin/python" - "$ROOT/src/lofin/locale/ko/LC_MESSAGES/django.po" "$TMP/lofin/locale/ko/LC_MESSAGES/django.po" <<'PY'
import sys
from babel.messages.pofile import read_po
committed, fresh = (read_po(open(p, "rb")) for p in sys.argv[1:3])
missing = sorted(str(m.id) for m in fresh if m.id and committed.get(m.id, context=m.context) is None)
if missing:
    print("strings missing from the Korean catalogue (run `make messages-update` and translate them):")
    for m in missing:
        print("  ", m)
    sys.exit(1)
# Korean is the default language: an entry without a Korean text (or still fuzzy) would show English.
strings = lambda m: m.string if isinstance(m.string, tuple) else (m.string,)
untranslated = sorted(str(m.id) for m in committed if m.id and (m.fuzzy or not all(strings(m))))
if untranslated:
    print("strings without a Korean translation (or fuzzy) in the catalogue:")
    for m in untranslated:
        print("  ", m)
    sys.exit(1)
print(f"message catalogue complete: {len([m for m in fresh if m.id])} strings")
PY
