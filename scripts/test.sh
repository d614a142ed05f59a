#!/usr/bin/env bash
# The two passes of `make test`, side by side (one core each): the whole suite on SQLite, printed as it runs, and the
# tests marked `engine` on a throwaway PostgreSQL, written to $LOFIN_VAR_DIR/test-postgres.log and printed when both
# have ended. Either pass failing fails the whole, with its output on screen.
set -uo pipefail
cd "$(dirname "$0")/.."
VAR="${LOFIN_VAR_DIR:-var}"
mkdir -p "$VAR"
PG_LOG="$VAR/test-postgres.log"

make --no-print-directory test-postgres >"$PG_LOG" 2>&1 &
pg=$!
# Ctrl-C or a killed CI job: stop the PostgreSQL pass too (its own trap stops the cluster).
trap 'kill "$pg" 2>/dev/null; wait "$pg"; exit 130' INT TERM

echo "== SQLite: the whole suite (PostgreSQL's pass runs meanwhile, into $PG_LOG)"
make --no-print-directory test-sqlite
sqlite=$?
wait "$pg"
postgres=$?
trap - INT TERM

echo
echo "== PostgreSQL: the tests marked engine"
cat "$PG_LOG"
echo
status() { if [ "$1" = 0 ]; then echo "passed"; else echo "FAILED (exit $1)"; fi; }
echo "== SQLite pass $(status "$sqlite"); PostgreSQL pass $(status "$postgres")"
[ "$sqlite" = 0 ] && [ "$postgres" = 0 ]
