#!/usr/bin/env bash
# The passes of `make test`, side by side on the machine's cores: the suite on SQLite without the browser walks, printed
# as it runs; the browser walks on SQLite; the tests marked `engine` on a throwaway PostgreSQL. The last two write to
# $LOFIN_VAR_DIR/test-browser.log and test-postgres.log, printed when every pass has ended. Any pass failing fails the
# whole, with its output on screen.
set -uo pipefail
cd "$(dirname "$0")/.."
VAR="${LOFIN_VAR_DIR:-var}"
mkdir -p "$VAR"

make --no-print-directory test-postgres >"$VAR/test-postgres.log" 2>&1 &
postgres=$!
make --no-print-directory test-sqlite SQLITE_DB=test-browser PYTEST_SELECT="-m browser" >"$VAR/test-browser.log" 2>&1 &
browser=$!
# Ctrl-C or a killed CI job: stop the other passes too (the PostgreSQL pass's own trap stops its cluster).
trap 'kill "$postgres" "$browser" 2>/dev/null; wait; exit 130' INT TERM

echo "== SQLite: the suite but the browser walks (the walks and the PostgreSQL pass run meanwhile, into $VAR)"
make --no-print-directory test-sqlite PYTEST_SELECT='-m "not browser"'
suite=$?
wait "$browser"
walks=$?
wait "$postgres"
engine=$?
trap - INT TERM

echo
echo "== SQLite: the browser walks"
cat "$VAR/test-browser.log"
echo
echo "== PostgreSQL: the tests marked engine"
cat "$VAR/test-postgres.log"
echo
status() { if [ "$1" = 0 ]; then echo "passed"; else echo "FAILED (exit $1)"; fi; }
echo "== SQLite suite $(status "$suite"); SQLite browser walks $(status "$walks"); PostgreSQL $(status "$engine")"
[ "$suite" = 0 ] && [ "$walks" = 0 ] && [ "$engine" = 0 ]
